from forecourt import Manifest

PING = Manifest(name="ping", title="Ping", version="1.0", core=">=0.1", requires=("pong",))
PONG = Manifest(name="pong", title="Pong", version="1.0", core=">=0.1", requires=("ping",))
