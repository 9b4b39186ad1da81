"""Print the current TOTP code of a demo account (make run only: DEBUG must be on)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprises.demo import DEMO_TOTP_DEVICE


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo account (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        if not settings.DEBUG:
            raise CommandError("otp_code serves the demo only (DEBUG=1).")
        device = TOTPDevice.objects.filter(
            user__username=username, name=DEMO_TOTP_DEVICE, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{username} has no demo authenticator.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        left = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(f"{code:0{device.digits}d}  ({left} s left)")
