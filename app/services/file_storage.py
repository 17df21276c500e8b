"""Where files people send are kept: a folder on this machine (development, or a council on one
machine) or an S3-compatible object store that every machine shares (several machines).

Each store keeps bytes under a key the app chose (32 random hex characters) and knows nothing else
about them; what a file is and who may see it is recorded with the form's answers.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import BinaryIO, Protocol

log = logging.getLogger("doorstep.files")


class FileStore(Protocol):
    def put(self, key: str, content: bytes, content_type: str) -> None: ...

    def open(self, key: str) -> BinaryIO | None:
        """The file's bytes as a stream to read once and close, or None when there is no such file."""

    def delete(self, key: str) -> None:
        """Remove the file; nothing happens if it is already gone."""

    def exists(self, key: str) -> bool: ...


class FolderStore:
    """Files in a folder: instance/uploads/ by default. Only for one machine."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def put(self, key: str, content: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        path.chmod(0o600)

    def open(self, key: str) -> BinaryIO | None:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


class S3Store:
    """Files as objects in a bucket of Amazon S3 or any store that speaks its protocol (MinIO, Ceph,
    and the like), under a prefix. Credentials come from the settings, or else from boto3's usual
    places (the machine's role, AWS_* variables)."""

    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix
        config = Config(
            # A store that is not Amazon's often cannot check the newer CRC checksums: send them
            # only where an operation requires one.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            # Stores other than Amazon's usually expect the bucket in the path, not the host name.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
        )
        # A client is safe to share between threads; a boto3 session is not, so it is made here once.
        self.client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            config=config,
        )

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def put(self, key: str, content: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=content, ContentType=content_type)

    def open(self, key: str) -> BinaryIO | None:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        return response["Body"]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True


def from_config(config) -> FileStore:
    if config["UPLOAD_STORAGE"] == "s3":
        return S3Store(
            bucket=config["UPLOAD_S3_BUCKET"],
            prefix=config["UPLOAD_S3_PREFIX"],
            endpoint_url=config["UPLOAD_S3_ENDPOINT_URL"],
            region=config["UPLOAD_S3_REGION"],
            access_key_id=config["UPLOAD_S3_ACCESS_KEY_ID"],
            secret_access_key=config["UPLOAD_S3_SECRET_ACCESS_KEY"],
        )
    return FolderStore(config["UPLOAD_FOLDER"])
