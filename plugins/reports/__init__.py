"""Reports: manager efficiency, the lead funnel and speed to lead, sales and customer analysis, with exports.

Everything comes from metrics: a page asks ``compute_metrics`` (and
``compute_metric_series``) for the reader's dealer and lays out what comes
back; it never reads another plugin's tables and requires no plugin. What a
module contributes through ``report_metrics`` shows up — a partner's metric
on "Other modules" without any change here. Charts are SVG drawn on the
server, each with its table; every table downloads as CSV and every report
as XLSX.
"""

from pathlib import Path

from forecourt import Manifest
from forecourt import lazy_gettext as _l
from plugins.reports import hooks

HERE = Path(__file__).parent

PLUGIN = Manifest(
    name="reports",
    title=_l("Reports"),
    version="1.0.0",
    core=">=0.1,<1",
    hooks=hooks,
    description=_l("Manager efficiency, lead funnel and speed to lead, sales and customer analysis: charts, "
                   "tables and exports from what the dealer's modules count."),
    templates=HERE / "templates",
    locale=HERE / "locale",
)
