import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from django_otp.plugins.otp_email.models import EmailDevice

from accounts.models import MfaMethod, User
from accounts.validators import normalize_user_id
from kosmo.models import Household, Person, Union

PASSWORD = "Test-pass-2026"


def sign_in(client, username, password=PASSWORD, *, remember=False, **headers):
    """Log in through the real forms: the password, then the e-mail code (the persona's second
    factor), as a member would. `headers` go with both requests. Returns the last response."""
    data = {"login": username, "password": password}
    if remember:
        data["remember"] = "on"
    response = client.post("/accounts/login/", data, **headers)
    if response.status_code == 302 and response.url == "/mfa/authenticate/":
        device = EmailDevice.objects.get(user__username=normalize_user_id(username), confirmed=True)
        device.generate_token(valid_secs=300)
        response = client.post(
            "/mfa/authenticate/", {"method": "email", "code": device.token}, **headers
        )
    return response


def staff_login(client, user):
    """Sign a staff member in to /admin/ (one place for every admin test to go through):
    staff need a second factor, so they get a confirmed e-mail device."""
    EmailDevice.objects.get_or_create(user=user, defaults={"name": "メール", "confirmed": True})
    client.force_login(user)
    return client


class UnionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Union

    insurer_number = factory.Sequence(lambda n: f"0613{n:04d}")
    name = factory.Sequence(lambda n: f"テスト{n}健康保険組合")
    slug = factory.Sequence(lambda n: f"union-{n}")
    tier = Union.ContractTier.STANDARD
    contact_phone = "03-0000-0000"


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    union = factory.SubFactory(UnionFactory)
    symbol = "1001"
    number = factory.Sequence(lambda n: f"{n + 1:05d}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    role = Person.Role.INSURED
    relationship = Person.Relationship.SELF
    branch = "00"
    family_name = "山田"
    given_name = "太郎"
    family_name_kana = "ヤマダ"
    given_name_kana = "タロウ"
    sex = Person.Sex.MALE
    birth_date = dt.date(1979, 8, 22)
    qualified_on = dt.date(2015, 4, 1)
    address = "東京都新宿区西新宿2-8-1"


class DependentFactory(PersonFactory):
    role = Person.Role.DEPENDENT
    relationship = Person.Relationship.SPOUSE
    branch = factory.Sequence(lambda n: f"{n % 98 + 1:02d}")
    given_name = "花子"
    given_name_kana = "ハナコ"
    sex = Person.Sex.FEMALE
    birth_date = dt.date(1981, 3, 3)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    """A member who has completed the first login (the usual persona)."""

    username = factory.Sequence(lambda n: f"member{n:05d}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.jp")
    person = factory.SubFactory(PersonFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    identity_verified_at = factory.LazyFunction(timezone.now)
    user_id_chosen_at = factory.LazyFunction(timezone.now)
    password_changed_at = factory.LazyFunction(timezone.now)
    mfa_method = MfaMethod.EMAIL

    @factory.post_generation
    def saved(user, create, extracted, **kwargs):
        if create:
            user.save()
            if user.email:
                EmailAddress.objects.update_or_create(
                    user=user, email=user.email, defaults={"verified": True, "primary": True}
                )
                if user.person_id:
                    EmailDevice.objects.get_or_create(
                        user=user, defaults={"name": "メール", "confirmed": True}
                    )


class IssuedUserFactory(UserFactory):
    """An account just issued by the union: every first-login step is pending."""

    username = factory.Sequence(lambda n: f"k{n:09d}")
    email = "issued@example.jp"
    is_temporary_id = True
    must_change_password = True
    identity_verified_at = None
    user_id_chosen_at = None
    password_changed_at = None
    mfa_method = ""

    @factory.post_generation
    def saved(user, create, extracted, **kwargs):
        if create:
            user.save()


class StaffFactory(UserFactory):
    """Union staff; like every staff account they use a second factor (an e-mail device)
    before /admin/ opens. `StaffFactory(second_factor=False)` makes one that has none yet."""

    person = None
    email = ""
    union = factory.SubFactory(UnionFactory)
    is_staff = True
    mfa_method = ""

    @factory.post_generation
    def second_factor(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailDevice.objects.get_or_create(
                user=user, defaults={"name": "メール", "confirmed": True}
            )


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim line; amounts add up (総額 = 保険者 + 公費 + 自己)."""

    class Meta:
        model = "medical.Claim"

    person = factory.SubFactory(PersonFactory)
    household = factory.LazyAttribute(lambda claim: claim.person.household)
    service_month = factory.LazyFunction(lambda: dt.date(2025, 3, 1))
    provider_name = "サンプルクリニック"
    care_type = "outpatient"
    days = 1
    insurer_paid = 7000
    public_paid = 0
    patient_paid = 3000
    total_cost = factory.LazyAttribute(
        lambda claim: claim.insurer_paid + claim.public_paid + claim.patient_paid
    )


class DrugFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "medical.Drug"
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"D{n:08d}")
    name = factory.Sequence(lambda n: f"医薬品{n}")
    unit = "錠"
    unit_price = "10.00"


class PrescriptionLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "medical.PrescriptionLine"

    person = factory.SubFactory(PersonFactory)
    household = factory.LazyAttribute(lambda line: line.person.household)
    service_month = factory.LazyFunction(lambda: dt.date(2024, 11, 1))
    provider_name = "サンプルクリニック"
    line_no = factory.Sequence(lambda n: n + 1)
    drug = factory.SubFactory(DrugFactory)
    unit_price = factory.LazyAttribute(lambda line: line.drug.unit_price)
    quantity = "1"
