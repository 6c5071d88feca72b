import datetime as dt

import factory

from eligibility.models import EligibilityCertificate
from tests.factories import PersonFactory


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityCertificate

    person = factory.SubFactory(PersonFactory)
    issued_on = dt.date(2025, 12, 2)
    expires_on = dt.date(2030, 12, 31)
