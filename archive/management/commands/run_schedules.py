"""Start the jobs whose schedule is due; for cron, e.g. every five minutes:

    */5 * * * * cd /srv/warrant && .venv/bin/python manage.py run_schedules

Running it twice in a row starts each due job once. It also queues again the
jobs of workers that died mid-job.
"""

from django.core.management.base import BaseCommand

from archive.core.text import counted
from archive.jobs.running import reclaim_stale_jobs
from archive.jobs.schedules import fire_due


class Command(BaseCommand):
    help = "Enqueue the jobs of every enabled schedule that is due (run it from cron)."

    def handle(self, *args, **options) -> None:
        reclaim_stale_jobs()  # each is logged, naming its worker
        jobs = fire_due()
        for job in jobs:
            self.stdout.write(f"Job {job.pk}: {job}")
        self.stdout.write(f"{counted(len(jobs), 'scheduled job')} started.")
