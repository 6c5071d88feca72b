import datetime as dt

import factory

from benefits.models import BenefitPayment, BenefitType
from tests.factories import PersonFactory, UnionFactory


class BenefitTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitType
        django_get_or_create = ["union", "name"]

    union = factory.SubFactory(UnionFactory)
    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = "インフルエンザ予防接種補助金"
    sort_order = 0


class BenefitPaymentFactory(factory.django.DjangoModelFactory):
    """A payment; its 給付種別 belongs to the person's union."""

    class Meta:
        model = BenefitPayment

    person = factory.SubFactory(PersonFactory)
    household = factory.LazyAttribute(lambda payment: payment.person.household)
    benefit_type = factory.LazyAttribute(
        lambda payment: BenefitTypeFactory(union=payment.person.household.union)
    )
    paid_month = factory.LazyFunction(lambda: dt.date(2024, 12, 1))
    service_month = factory.LazyAttribute(lambda payment: payment.paid_month)
    amount = 3000
