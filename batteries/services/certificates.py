"""The scrapped-vehicle record a scrap event belongs to, found by its certificate number.

Every `scrap_vehicle` event, whatever its channel, names the 《报废机动车回收证明》 in its
document reference. The batch path attaches the event's pack to the record of that
certificate: the record made by `vehicles_scrap_record`, an earlier event's, or a new one
(the pack arrived with the vehicle). A certificate belongs to one VIN and one dismantler.
Two queries load what a batch needs; the writes are a constant number of statements.
"""

from django.utils.translation import gettext_lazy as _

from batteries.models import Battery, LifecycleEvent, ScrappedVehicle, ScrappedVehiclePack
from batteries.services.bulk import (
    fast_instance,
    rows_update,
    scrap_packs_copy,
    scrap_records_copy,
)
from common.identifiers import normalize_vin


def certificate_of(item) -> str:
    """Return the certificate number a scrap event or input names."""
    return (item.document_ref or "").strip()


def certificate_taken(number: str) -> tuple[str, str]:
    """Return (code, message) for a certificate that belongs to another record."""
    return (
        "scrap.certificate_taken",
        _("《报废机动车回收证明》编号 %(no)s 已用于其他车辆或其他拆解企业的报废记录。")
        % {"no": number},
    )


class ScrapLinks:
    """The records a batch's scrap events attach to, and the rows that link them."""

    def __init__(self, records: list[ScrappedVehicle], rows: list[ScrappedVehiclePack]):
        self.records = {r.certificate_no: r for r in records}
        self.rows = {(row.record_id, row.battery_id): row for row in rows}
        # Per stored record: [pack rows, of which arrived], to keep its pack status true.
        self.counts = {r.pk: [0, 0] for r in records}
        for row in rows:
            self.counts[row.record_id][0] += 1
            self.counts[row.record_id][1] += row.arrived
        self.new_records: list[ScrappedVehicle] = []
        self.new_rows: list[ScrappedVehiclePack] = []
        self.dirty_rows: list[ScrappedVehiclePack] = []
        self.changed: dict[int, ScrappedVehicle] = {}

    @classmethod
    def load(cls, items) -> "ScrapLinks":
        numbers = {certificate_of(i) for i in items if i.kind == "scrap_vehicle"} - {""}
        records = list(ScrappedVehicle.objects.filter(certificate_no__any=list(numbers)))
        rows = ScrappedVehiclePack.objects.filter(record_id__any=[r.pk for r in records])
        return cls(records, list(rows))

    def problem(self, item, reporter) -> tuple[str, str, str] | None:
        """Return (field, code, message) if the item's certificate is another's."""
        number = certificate_of(item)
        record = self.records.get(number)
        if record is None:
            return None
        if record.vin != normalize_vin(item.vin) or record.dismantler_id != reporter.pk:
            return ("document_ref", *certificate_taken(number))
        return None

    def attach(self, battery: Battery, event: LifecycleEvent, *, now) -> None:
        """Link the scrapped pack (the event's) to its certificate's record."""
        number = certificate_of(event)
        record = self.records.get(number)
        if record is None:
            record = fast_instance(
                ScrappedVehicle,
                certificate_no=number,
                vin=battery.vehicle.vin,
                vehicle=battery.vehicle,
                dismantler=event.reporter,
                scrapped_at=event.occurred_at,
                pack_status=ScrappedVehicle.PackStatus.ARRIVED,
                note="",
                channel=event.channel,
                import_batch=event.import_batch,
                reported_at=now,
                reported_by=event.reported_by,
            )
            self.records[number] = record
            self.new_records.append(record)
        row = self.rows.get((record.pk, battery.pk)) if record.pk else None
        if row is not None:  # declared missing when the vehicle came; the pack came later
            row.arrived, row.event = True, event
            self.dirty_rows.append(row)
        else:
            self.new_rows.append(
                fast_instance(
                    ScrappedVehiclePack, record=record, battery=battery, arrived=True, event=event
                )
            )
        if record.pk:
            self._recount(record, battery, added=row is None)

    def _recount(self, record: ScrappedVehicle, battery: Battery, *, added: bool) -> None:
        counts = self.counts[record.pk]
        counts[0] += added
        counts[1] += 1
        status = (
            ScrappedVehicle.PackStatus.ARRIVED
            if counts[1] >= counts[0]
            else ScrappedVehicle.PackStatus.PARTIAL
        )
        if status != record.pack_status or record.vehicle_id is None:
            record.pack_status = status
            record.vehicle = record.vehicle or battery.vehicle
            self.changed[record.pk] = record

    def flush(self) -> None:
        """Write new records and links, then what changed on stored ones."""
        scrap_records_copy(self.new_records)
        scrap_packs_copy(self.new_rows)
        rows_update(
            "batteries_scrappedvehiclepack",
            {"arrived": "boolean", "event_id": "bigint"},
            [(row.pk, row.arrived, row.event.pk) for row in self.dirty_rows],
        )
        rows_update(
            "batteries_scrappedvehicle",
            {"pack_status": "varchar", "vehicle_id": "bigint"},
            [(r.pk, r.pack_status, r.vehicle_id) for r in self.changed.values()],
        )
