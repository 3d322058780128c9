from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from archive.findings.package import PackageRefused, evidence_package, verifier_sha256
from archive.findings.timestamp import TimestampUnavailable
from archive.models import Claim


class Command(BaseCommand):
    help = (
        "Write a claim's evidence package: a signed ZIP that verify.py (served by Warrant at /verify.py; "
        "the copy inside the package is a convenience only) checks offline."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--claim", type=int, required=True, help="the claim's id")
        parser.add_argument("out", type=Path, help="the ZIP file to write")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="the site's address, for the IRIs in the PROV bundle",
        )

    def handle(self, *args: object, **options: Any) -> None:
        claim = Claim.objects.select_related("workspace").filter(pk=options["claim"]).first()
        if claim is None:
            raise CommandError(f"There is no claim {options['claim']}.")
        base = str(options["base_url"]).rstrip("/")
        try:
            package = evidence_package(claim, base_uri=f"{base}/w/{claim.workspace.slug}/", user=None)
        except (PackageRefused, TimestampUnavailable) as error:
            raise CommandError(f"{error} No package was written.") from None
        out = Path(str(options["out"]))
        out.write_bytes(package.data)
        stamped = " and time-stamped" if package.timestamped else ""
        # The verifier's hash beside the key's: a recipient checks both, never the package's own copy.
        self.stdout.write(
            f"Wrote {out} ({len(package.data)} bytes, package {package.package_id}), "
            f"signed by key {package.fingerprint}{stamped}. "
            f"Check it with verify.py from Warrant (/verify.py), SHA-256 {verifier_sha256()}."
        )
