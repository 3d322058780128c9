import zipfile
from contextlib import ExitStack
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from archive.backups.archive import import_archive
from archive.backups.new_workspace import Copy, Member, import_as_new_workspace
from archive.backups.packed import unpacked
from archive.models import Role
from archive.workspaces import account_called

ARCHIVED, NONE = "archived", "none"


class Command(BaseCommand):
    help = (
        "Restore a workspace exported by export_archive (its directory, or the ZIP file of the "
        "workspace's export page), after checking every file's SHA-256 "
        "and the history's hash chain (refused, naming the first bad entry, with nothing kept); "
        "or, with --as-new-workspace, copy it beside what the database holds, under new ids."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "archive", type=Path, help="The directory export_archive wrote, or the export page's ZIP file."
        )
        parser.add_argument(
            "--as-new-workspace",
            metavar="SLUG",
            dest="slug",
            help="Import into a new workspace with this slug, every row under a new id, "
            "users matched by username, the history re-chained.",
        )
        parser.add_argument(
            "--name", help="The new workspace's name (with --as-new-workspace; default: the archived one)."
        )
        parser.add_argument(
            "--members",
            choices=[ARCHIVED, NONE],
            help="With --as-new-workspace: who is a member of the copy. 'archived' (the default): "
            "everyone who was a member when the archive was exported, with their role then, given to "
            "the account of this site with their username (whoever holds it here); 'none': nobody "
            "but --admin.",
        )
        parser.add_argument(
            "--admin",
            metavar="USERNAME",
            help="With --as-new-workspace: the account of this site made the copy's admin "
            "(required with --members none).",
        )

    def handle(
        self,
        *args,
        archive: Path,
        slug: str | None,
        name: str | None,
        members: str | None,
        admin: str | None,
        **options,
    ) -> None:
        for option, value in (("--name", name), ("--members", members), ("--admin", admin)):
            if value is not None and slug is None:
                raise CommandError(f"{option} needs --as-new-workspace.")
        if members == NONE and admin is None:
            raise CommandError(
                "--members none needs --admin USERNAME: a workspace always has an admin, who manages "
                "its members. Name the account of this site that is to be the copy's admin."
            )
        if not archive.is_dir() and not zipfile.is_zipfile(archive):
            raise CommandError(
                f"{archive} is not a directory or a ZIP file: give the directory export_archive wrote, "
                "or the ZIP file of a workspace's export page."
            )
        if archive.is_dir() and not (archive / "manifest.json").is_file():
            raise CommandError(f"{archive} has no manifest.json: it is not a directory export_archive wrote.")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            # Restoring onto a new server is the usual case, and its tables do not exist yet.
            raise CommandError("The database is not migrated: run `manage.py migrate` first, then import.")
        account = None
        if admin is not None:
            try:
                account = account_called(admin)
            except ValidationError as error:
                raise CommandError(f"--admin: {' '.join(error.messages)}") from None
        try:
            with ExitStack() as stack:
                directory = archive if archive.is_dir() else stack.enter_context(unpacked(archive))
                if slug is None:
                    workspace = import_archive(directory=directory)
                    self.stdout.write(
                        f"Imported workspace {workspace.slug!r}. Archives keep no passwords and no site "
                        "rights: set each user's password (manage.py changepassword NAME) and make the "
                        "site's administrators again (createsuperuser, or the admin's user page)."
                    )
                    return
                copy = import_as_new_workspace(
                    directory=directory, slug=slug, name=name, with_members=members != NONE, admin=account
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Imported workspace {copy.source_slug!r} as {copy.workspace.slug!r}: {copy.rows} rows "
            f"under new ids, {copy.files} files; its history verified up to entry #{copy.history_length} "
            f"({copy.head_hash}) and was chained anew."
        )
        if copy.matched_users:
            self.stdout.write(f"Users matched by username: {', '.join(copy.matched_users)}.")
        if copy.created_users:
            self.stdout.write(
                f"Users created without a password (to be reset): {', '.join(copy.created_users)}."
            )
        self._write_members(copy, admin=account)

    def _write_members(self, copy: Copy, *, admin) -> None:
        """Who has access to the copy, and who does not: its members were the archive's."""
        admin_name = None if admin is None else admin.username
        if copy.members:
            self.stdout.write(f"Members of {copy.workspace.slug!r} (username: role):")
        else:
            self.stdout.write(f"{copy.workspace.slug!r} has no members.")
        for member in copy.members:
            if member.username == admin_name:
                how = "--admin"
            else:
                how = f"a member of {copy.source_slug!r} when it was exported, {_account(member)}"
            self.stdout.write(f"  {member.username}: {Role(member.role).label.lower()} ({how})")
        if copy.left_out:
            left_out = ", ".join(
                f"{member.username} ({Role(member.role).label.lower()})" for member in copy.left_out
            )
            self.stdout.write(f"Members of the archive left out (--members none): {left_out}.")
        if not any(member.role == Role.ADMIN and member.active for member in copy.members):
            self.stdout.write(
                f"No member of {copy.workspace.slug!r} is an active admin, to manage its members: make "
                "one in the site's admin, or import the archive again with --admin USERNAME."
            )


def _account(member: Member) -> str:
    if member.created:
        return "its account created by this import, without a password"
    if not member.active:
        return "the account here of that username, deactivated"
    return "the account here of that username"
