"""A local server that speaks the S3 protocol (moto's), on a free port, for the file storage tests.
The app talks to it over HTTP with boto3, exactly as it would to Amazon S3 or MinIO."""

from __future__ import annotations

import logging
import secrets

import boto3

from tests.local_process import free_port

REGION = "eu-west-2"
ACCESS_KEY_ID = "doorstep-test-key"
SECRET_ACCESS_KEY = "doorstep-test-secret"


class LocalS3:
    def __init__(self):
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # its request log would fill the output
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()
        self.client = boto3.session.Session().client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
        )

    def new_bucket(self) -> str:
        name = f"doorstep-{secrets.token_hex(6)}"
        self.client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        return name

    def keys(self, bucket: str) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def settings(self, bucket: str) -> dict:
        """The app's settings (as config overrides) for a bucket on this server."""
        return {
            "UPLOAD_STORAGE": "s3",
            "UPLOAD_S3_BUCKET": bucket,
            "UPLOAD_S3_ENDPOINT_URL": self.url,
            "UPLOAD_S3_REGION": REGION,
            "UPLOAD_S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "UPLOAD_S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        }

    def stop(self) -> None:
        self.server.stop()
