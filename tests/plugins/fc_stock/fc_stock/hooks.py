from litestar import Request, Response, post

from forecourt import call_hook, hookimpl


@post("/arrived")
async def arrived(request: Request) -> Response:
    data = {k: v for k, v in (await request.form()).items() if k in ("model", "trim", "fuel", "colour", "price")}
    ctx = request.state.ctx
    await call_hook("orders_stock_changed", ctx=ctx, vehicle=data)
    return Response("ok", media_type="text/plain", status_code=200)


@hookimpl
def register_routes():
    return [arrived]
