"""The context a screen is given: a signed-in session on the demo ward, with its account."""

from app.models.people import AccessRole, Permission


def test_a_screen_context_knows_the_ward_and_the_signed_in_account(signed_in) -> None:  # type: ignore[no-untyped-def]
    nurse = signed_in("demo.nurse")
    assert nurse.ward.name == "Willow Ward"
    assert nurse.facts.account is not None
    assert nurse.facts.account.access_role is AccessRole.NURSE
    assert nurse.facts.staff is not None
    assert nurse.may(Permission.RECORD)
    assert not nurse.may(Permission.SIGN_OFF)
    manager = signed_in("demo.manager")
    assert manager.may(Permission.SIGN_OFF)
