from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardConfig(AppConfig):
    name = "stats.scorecard"
    label = "stats_scorecard"
    verbose_name = _("合规评分")
