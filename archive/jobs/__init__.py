"""Background jobs on Django's Tasks API (django-tasks): long work out of the request.

running.py keeps the Job row people see (who started what, progress, result,
failure) around each task, retries network failures with back-off and puts
back the jobs of workers that died; tasks.py holds the tasks, each a thin
adapter over one domain function, and the functions that start them;
schedules.py keeps the schedules admins set and fires what is due
(`manage.py run_schedules`, from cron).
"""
