from piccolo.columns import Varchar
from piccolo.conf.apps import AppConfig
from piccolo.table import Table


class Thing(Table, tablename="thing"):  # not prefixed with "badtable_"
    name = Varchar()


APP_CONFIG = AppConfig(app_name="badtable", migrations_folder_path="/nonexistent",
                       table_classes=[Thing])
