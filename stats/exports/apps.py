from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "stats.exports"
    label = "stats_exports"
    verbose_name = _("数据导出")
