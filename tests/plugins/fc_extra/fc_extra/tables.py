from piccolo.columns import Varchar
from piccolo.table import Table

from forecourt import DealerScoped


class Mark(DealerScoped, Table, tablename="extra_mark"):
    label = Varchar(length=50)
