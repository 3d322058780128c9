"""django-tasks' database worker, which first queues again the jobs of dead workers.

    python manage.py db_worker [--queue-name ...] [--interval ...]

django-tasks-db leaves the task of a worker killed mid-job "running" for ever;
this worker puts such jobs back (archive.jobs.running.reclaim_stale_jobs)
before it starts taking tasks. Options are the library's.
"""

from django_tasks_db.management.commands.db_worker import Command as LibraryWorker

from archive.jobs.running import reclaim_stale_jobs


class Command(LibraryWorker):
    def handle(self, *args, **options) -> None:
        reclaim_stale_jobs()  # each is logged, naming its worker
        super().handle(*args, **options)
