from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The legal parameters: national regulators edit them in the back office, provincial
# regulators read them there (enforcement/admin/legal.py also checks the user's kind).
LEGAL_MODELS = ("deadlinerule", "penaltyrule", "calendaroverride", "officialscheduleyear")
# Calendar corrections may be withdrawn (the table is rebuilt); legal rows are ended by
# their valid_to, never deleted.
DELETABLE_LEGAL_MODELS = ("calendaroverride", "officialscheduleyear")
NATIONAL_PERMISSIONS = [
    *(
        f"enforcement.{action}_{model}"
        for model in LEGAL_MODELS
        for action in ("view", "add", "change")
    ),
    *(f"enforcement.delete_{model}" for model in DELETABLE_LEGAL_MODELS),
]
# The back office reads cases, their steps and findings (scoped to the user); scan runs are
# national totals: MIIT only. The register and its uploads are MIIT's.
CASE_MODELS = ("case", "casestep", "finding")
NATIONAL_PERMISSIONS += [
    f"enforcement.view_{model}"
    for model in (*CASE_MODELS, "scanrun", "scrapregisterentry", "registerupload")
]
# The ladder: MIIT edits the issuing authorities and the procedural periods (with history);
# both kinds of regulator read them and the documents of their scope.
LADDER_EDITABLE = ("authority", "procedurerule")
NATIONAL_PERMISSIONS += [
    *(f"enforcement.{action}_{model}" for model in LADDER_EDITABLE for action in ("add", "change")),
    *(f"enforcement.view_{model}" for model in (*LADDER_EDITABLE, "document", "documentdownload")),
]
PROVINCIAL_PERMISSIONS = [
    *(f"enforcement.view_{model}" for model in (*LADDER_EDITABLE, "document", "documentdownload")),
    *(f"enforcement.view_{model}" for model in LEGAL_MODELS),
    *(f"enforcement.view_{model}" for model in CASE_MODELS),
]


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = _("执法监管")

    def ready(self) -> None:
        from enterprises.roles import EXTRA_PERMISSIONS

        for kind, labels in (
            ("national", NATIONAL_PERMISSIONS),
            ("provincial", PROVINCIAL_PERMISSIONS),
        ):
            EXTRA_PERMISSIONS[kind] += [p for p in labels if p not in EXTRA_PERMISSIONS[kind]]
