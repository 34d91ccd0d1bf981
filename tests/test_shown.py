"""What the pages show: a CCCD masked in every history, plain Vietnamese messages, files that follow every change."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from centers.scoping import Scope
from courses import services
from courses.models import Learner

from .factories import LearnerFactory

pytestmark = pytest.mark.django_db

OLD_CCCD, NEW_CCCD = "010099555444", "010099555333"


# -- 1. a changed CCCD is masked in every history ------------------------------------------------------------------
@pytest.fixture
def cccd_changed(center, center_user) -> Learner:
    """A learner of `center` whose CCCD its staff corrected."""
    learner = LearnerFactory(center=center, full_name="Nguyễn Văn An", national_id=OLD_CCCD)
    return services.learner_update(scope=Scope.for_user(center_user), learner=learner, national_id=NEW_CCCD)


def assert_masked(page: str) -> None:
    assert OLD_CCCD not in page and NEW_CCCD not in page
    assert "********5444" in page and "********5333" in page


@pytest.mark.parametrize("user", ["center_user", "board_user", "central_user"])
def test_the_activity_log_masks_a_changed_cccd(request, login, cccd_changed, user):
    page = login(request.getfixturevalue(user)).get(reverse("reports:activity")).content.decode()
    assert "Nguyễn Văn An" in page
    assert_masked(page)


def test_a_center_the_learner_has_left_sees_the_change_masked(
    login, cccd_changed, center_user, board_user, other_center
):
    services.learner_transfer(
        scope=Scope.for_user(board_user), learner=cccd_changed, to_center=other_center, reason="Chuyển", user=board_user
    )
    page = login(center_user).get(reverse("reports:activity")).content.decode()
    assert "Nguyễn Văn An" in page
    assert_masked(page)


def test_the_learner_page_history_masks_the_old_cccd(login, cccd_changed, center_user):
    """The page itself shows the whole current CCCD to the center holding the record; its history never does."""
    page = login(center_user).get(reverse("courses:learner_detail", args=[cccd_changed.pk])).content.decode()
    assert f"data-cccd>{NEW_CCCD}<" in page
    assert OLD_CCCD not in page and "Số cccd: ********5444 → ********5333" in page


def test_the_conflict_message_masks_the_cccd(cccd_changed, center_user):
    """Someone saved the learner meanwhile: the message says what they changed, the CCCD masked."""
    with pytest.raises(ValidationError) as caught:
        services.learner_update(
            scope=Scope.for_user(center_user), learner=cccd_changed, version=cccd_changed.version - 1, workplace="X"
        )
    message = " ".join(caught.value.messages)
    assert OLD_CCCD not in message and NEW_CCCD not in message
    assert "“********5444” → “********5333”" in message
