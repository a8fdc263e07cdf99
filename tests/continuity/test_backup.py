"""badge-issuer backup / restore: a snapshot into an empty database keeps every badge working."""

from __future__ import annotations

import base64
import io
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from badge_issuer.config import Settings
from badge_issuer.continuity.backup import create_backup
from badge_issuer.continuity.errors import ContinuityError
from badge_issuer.continuity.restore import read_manifest, restore_backup
from badge_issuer.keys import kek
from badge_issuer.kit.clock import utc_now
from badge_issuer.main import create_app
from tests.continuity.conftest import replay_examples
from tests.harness import Harness

ORIGIN = "http://localhost:8000"


def _revoke(harness: Harness, url: str) -> None:
    uuid = url.rsplit("/", 1)[1]
    answer = harness.client.post(
        f"/v1/admin/credentials/{uuid}/revoke", json={"reason": "test"}, headers=harness.admin
    )
    assert answer.status_code == 200, answer.text


@pytest.fixture
def backed_up(harness: Harness, settings: Settings, tmp_path: Path) -> tuple[Path, list[str]]:
    urls = replay_examples(harness)
    _revoke(harness, urls[0])
    file = tmp_path / "service.backup"
    create_backup(settings, file, now=utc_now())
    return file, urls


class TestBackup:
    def test_manifest_describes_the_snapshot(
        self, backed_up: tuple[Path, list[str]], settings: Settings, db_backend: str
    ) -> None:
        file, urls = backed_up
        manifest = read_manifest(file)
        assert manifest.backend == db_backend
        assert manifest.row_counts["award"] == len(urls)
        assert manifest.row_counts["signing_key"] == 1
        assert manifest.kek_fingerprint == kek.load(settings.key_encryption_key_file).fingerprint
        assert manifest.schema_revision
        assert file.stat().st_mode & 0o077 == 0, "the backup is readable by its owner only"

    def test_the_key_encryption_key_is_never_inside(
        self, backed_up: tuple[Path, list[str]], settings: Settings
    ) -> None:
        file, _ = backed_up
        secret = settings.key_encryption_key_file.read_bytes().strip()
        content = file.read_bytes()
        assert secret
        assert secret not in content
        assert base64.b64decode(secret) not in content

    def test_an_existing_file_is_not_overwritten(
        self, backed_up: tuple[Path, list[str]], settings: Settings
    ) -> None:
        file, _ = backed_up
        with pytest.raises(ContinuityError, match="exists"):
            create_backup(settings, file, now=utc_now())


class TestRestore:
    def test_every_credential_verifies_and_signing_works_after_restore(
        self,
        backed_up: tuple[Path, list[str]],
        harness: Harness,
        settings: Settings,
        db_backend: str,
        new_database: Callable[[str], str],
    ) -> None:
        file, urls = backed_up
        restored = settings.model_copy(update={"database_url": new_database(db_backend)})
        checks = restore_backup(restored, file, now=utc_now())
        assert checks.ok, checks.failures
        assert (checks.credentials, checks.verified, checks.revoked) == (
            len(urls),
            len(urls) - 1,
            1,
        )
        assert checks.signing_keys == 1
        app = create_app(restored)
        try:
            with TestClient(app) as client:
                for number, url in enumerate(urls):
                    report = client.get(url.removeprefix(ORIGIN) + "/verification").json()
                    assert report["verified"] is (number != 0), report
                again = Harness(client=client, admin=harness.admin, secrets=harness.secrets)
                answer = again.post_completion(
                    "manabi-portal",
                    {
                        "learner": {"email": "restored@example.jp"},
                        "course_id": "DXL-101",
                        "completed_at": "2026-12-01T10:00:00+09:00",
                    },
                )
                assert answer.status_code == 201, answer.text
        finally:
            app.state.engine.dispose()

    def test_a_database_with_tables_is_refused(
        self, backed_up: tuple[Path, list[str]], settings: Settings
    ) -> None:
        file, _ = backed_up
        with pytest.raises(ContinuityError, match="not empty"):
            restore_backup(settings, file, now=utc_now())

    def test_another_key_encryption_key_is_refused(
        self,
        backed_up: tuple[Path, list[str]],
        settings: Settings,
        db_backend: str,
        new_database: Callable[[str], str],
        tmp_path: Path,
    ) -> None:
        file, _ = backed_up
        other_kek = tmp_path / "other" / "master.key"
        kek.create(other_kek)
        target = settings.model_copy(
            update={"database_url": new_database(db_backend), "key_encryption_key_file": other_kek}
        )
        with pytest.raises(ContinuityError, match="key-encryption key"):
            restore_backup(target, file, now=utc_now())

    def test_a_changed_snapshot_is_refused(
        self,
        backed_up: tuple[Path, list[str]],
        settings: Settings,
        db_backend: str,
        new_database: Callable[[str], str],
        tmp_path: Path,
    ) -> None:
        file, _ = backed_up
        manifest = read_manifest(file)
        forged = tmp_path / "forged.backup"
        with tarfile.open(file) as original, tarfile.open(forged, "w") as copy:
            for member in original.getmembers():
                data = original.extractfile(member)
                assert data is not None
                body = data.read()
                if member.name == manifest.payload:
                    body = body[:-1] + bytes([body[-1] ^ 1])
                copy.addfile(member, io.BytesIO(body))
        target = settings.model_copy(update={"database_url": new_database(db_backend)})
        with pytest.raises(ContinuityError, match="does not match"):
            restore_backup(target, forged, now=utc_now())

    def test_a_file_that_is_not_a_backup_is_refused(self, tmp_path: Path) -> None:
        bogus = tmp_path / "bogus"
        bogus.write_bytes(b"not a tar file")
        with pytest.raises(ContinuityError, match="not a badge-issuer backup"):
            read_manifest(bogus)
        empty_tar = tmp_path / "empty.tar"
        with tarfile.open(empty_tar, "w"):
            pass
        with pytest.raises(ContinuityError, match="not a badge-issuer backup"):
            read_manifest(empty_tar)
