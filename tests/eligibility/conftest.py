import pytest

from tests.eligibility.factories import CertificateFactory


@pytest.fixture
def insured_certificate(insured):
    return CertificateFactory(person=insured.person)


@pytest.fixture
def dependent_certificate(dependent):
    return CertificateFactory(person=dependent.person)
