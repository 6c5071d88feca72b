"""Files in an S3-compatible store (issue 24): the storages an operator's AWS_* variables
make put private files under private/ and public media under public/, with no public
grant, and the models' private fields follow the settings."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from kosmo.models import DocumentJob

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def test_a_document_is_written_under_private_with_no_public_grant(s3_storages, insured):
    job = DocumentJob.objects.create(owner=insured, kind="test", params={}, params_key="k")
    job.file.save("notice.pdf", ContentFile(b"%PDF-1.7 test"), save=True)

    [key] = s3_storages.keys("private/")
    assert key == f"private/{job.file.name}"
    grants = s3_storages.client.get_object_acl(Bucket=s3_storages.bucket, Key=key)["Grants"]
    assert all(g["Grantee"].get("URI") != ALL_USERS for g in grants)
    job.refresh_from_db()
    with job.file.open("rb") as file:
        assert file.read() == b"%PDF-1.7 test"


def test_public_media_is_addressed_through_the_portal(s3_storages):
    name = default_storage.save("unions/logos/logo.png", ContentFile(b"png"))

    assert s3_storages.keys("public/") == [f"public/{name}"]
    assert default_storage.url(name) == f"/media/{name}"
    assert storages["private"].exists(name) is False
