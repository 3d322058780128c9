import pytest

from archive.core.deployment import check_stored_files
from tests.support import fresh_env, run_manage


def manage(*args: str, env: dict[str, str]):
    return run_manage(*args, env=fresh_env(**env))


def test_production_settings_pass_check_deploy(tmp_path):
    result = _deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_of_a_production_on_sqlite(tmp_path):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-key-" + "x7Q9" * 10,
        "ALLOWED_HOSTS": "warrant.example",
        "VAR_DIR": str(tmp_path),
    }
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 1
    assert "(archive.W002) The database is the SQLite file" in result.stderr
    silenced = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=env | {"SILENCED_SYSTEM_CHECKS": "archive.W002"}
    )
    assert silenced.returncode == 0, silenced.stderr


def test_secret_key_is_required_when_debug_is_off_said_in_one_line_with_what_to_do(tmp_path):
    result = manage("verify_history", env={"DEBUG": "false", "VAR_DIR": str(tmp_path)})
    assert result.returncode == 1
    # Not a traceback that starts as if there were no such command.
    assert result.stderr.splitlines() == [
        "Warrant is not configured: SECRET_KEY must be set when DEBUG is off. On your own machine, "
        "put DEBUG=true before the command (DEBUG=true .venv/bin/python manage.py ...); in "
        "production, set SECRET_KEY (README, Configuration)."
    ]


def test_local_secret_key_is_generated_and_kept_in_var(tmp_path):
    env = {"DEBUG": "true", "VAR_DIR": str(tmp_path)}
    assert manage("check", env=env).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert manage("check", env=env).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


@pytest.mark.parametrize(("value", "ok"), [("yes", True), ("maybe", False)])
def test_boolean_settings_refuse_unreadable_values(tmp_path, value, ok):
    result = manage("check", env={"DEBUG": value, "VAR_DIR": str(tmp_path)})
    assert (result.returncode == 0) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("https://tsa.example/tsr", True), ("ftp://tsa.example/tsr", False), ("tsa.example", False)],
)
def test_the_time_stamping_authority_must_be_an_http_address(tmp_path, value, ok):
    result = manage("check", env={"DEBUG": "true", "VAR_DIR": str(tmp_path), "EVIDENCE_TSA_URL": value})
    assert (result.returncode == 0) is ok
    assert ok or "EVIDENCE_TSA_URL must be an http:// or https:// address" in result.stderr


@pytest.mark.parametrize(("value", "ok"), [("127.0.0.0/8, ::1/128", True), ("localhost", False)])
def test_the_private_networks_captures_may_reach_must_be_networks(tmp_path, value, ok):
    env = {"DEBUG": "true", "VAR_DIR": str(tmp_path), "CAPTURE_ALLOWED_PRIVATE_NETWORKS": value}
    result = manage("check", env=env)
    assert (result.returncode == 0) is ok
    assert ok or "CAPTURE_ALLOWED_PRIVATE_NETWORKS must list IP networks" in result.stderr


@pytest.mark.parametrize(("value", "ok"), [("5,30,120", True), ("5s", False), ("-1", False)])
def test_the_retry_delays_must_be_seconds(tmp_path, value, ok):
    result = manage("check", env={"DEBUG": "true", "VAR_DIR": str(tmp_path), "JOBS_RETRY_DELAYS": value})
    assert (result.returncode == 0) is ok
    assert ok or "JOBS_RETRY_DELAYS must list numbers of seconds" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "refusal"),
    [
        ("LOG_LEVEL", "info", ""),
        (
            "LOG_LEVEL",
            "verbose",
            "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'verbose'",
        ),
        ("TIME_ZONE", "Europe/Berlin", ""),
        ("TIME_ZONE", "Europe/Berln", "TIME_ZONE must be a time zone name such as UTC or Europe/Berlin"),
        (
            "DATABASE_URL",
            "postgress://warrant@db/warrant",
            "DATABASE_URL must be a postgres:// or sqlite:///",
        ),
        ("AXES_FAILURE_LIMIT", "0", "AXES_FAILURE_LIMIT must be at least 1, got '0'"),
        ("IMPORT_MAX_BYTES", "-1", "IMPORT_MAX_BYTES must be at least 1024, got '-1'"),
        ("SESSION_MAX_AGE", "600", "SESSION_MAX_AGE must be at least 43200, got '600'"),
    ],
)
def test_a_setting_it_cannot_use_is_refused_in_one_line_naming_it(tmp_path, name, value, refusal):
    result = manage("check", env={"DEBUG": "true", "VAR_DIR": str(tmp_path), name: value})
    assert (result.returncode == 0) is not refusal, result.stderr
    if refusal:
        (line,) = result.stderr.splitlines()
        assert refusal in line


def test_a_database_out_of_reach_is_said_in_one_line(tmp_path):
    env = {
        "DEBUG": "true",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://warrant@127.0.0.1:1/warrant",
    }
    result = manage("verify_history", env=env)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("Database error: ") and line.endswith("Is the database up, and migrated?")


def _deploy_check(tmp_path, **env: str):
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-key-" + "x7Q9" * 10,
        "ALLOWED_HOSTS": "warrant.example",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://warrant@db.internal:5432/warrant",
    }
    return manage("check", "--deploy", "--fail-level", "WARNING", env=production | env)


def test_check_deploy_refuses_originals_kept_among_the_static_files(tmp_path):
    result = _deploy_check(
        tmp_path, STATIC_ROOT=str(tmp_path / "public"), MEDIA_ROOT=str(tmp_path / "public" / "media")
    )
    assert result.returncode == 1
    assert "(archive.E003) MEDIA_ROOT" in result.stderr
    assert "served without a permission check" in result.stderr


def test_check_deploy_accepts_a_media_root_it_can_create(tmp_path):
    result = _deploy_check(tmp_path, MEDIA_ROOT=str(tmp_path / "srv" / "media"))
    assert result.returncode == 0, result.stderr


def test_check_deploy_warns_of_a_media_root_that_cannot_be_made(tmp_path):
    (tmp_path / "mount").write_text("a file where the volume should be")
    result = _deploy_check(tmp_path, MEDIA_ROOT=str(tmp_path / "mount" / "media"))
    assert result.returncode == 1
    assert "(archive.W003) MEDIA_ROOT" in result.stderr
    assert f"cannot be made: {tmp_path / 'mount'} is a file" in result.stderr


def test_check_deploy_warns_of_a_media_root_this_user_cannot_write(tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    # Tests may run as root, whom no permission bit stops.
    monkeypatch.setattr("archive.core.deployment.os.access", lambda path, mode: False)
    [warning] = check_stored_files()
    assert warning.id == "archive.W003"
    assert f"MEDIA_ROOT {settings.MEDIA_ROOT} is not writable by" in warning.msg
