"""Course forms (WTForms, CSRF-protected through Flask-WTF)."""

from __future__ import annotations

from dataclasses import fields

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.file import FileRequired
from wtforms import BooleanField
from wtforms import DecimalField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from ..friction.config import FrictionConfig


class CourseForm(FlaskForm):
    """Name a new course."""

    name = StringField(
        "Course name", validators=[DataRequired(message="Give the course a name."), Length(max=120)]
    )


class JoinForm(FlaskForm):
    """A learner types the join code their instructor gave them."""

    code = StringField(
        "Join code",
        validators=[DataRequired(message="Type the join code."), Length(max=40)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )


class SharingForm(FlaskForm):
    """The learner's choice to share their journal text with the course's instructors."""

    shares_journal = BooleanField("Let this course's instructors read my journal text")


class ExercisesForm(FlaskForm):
    """Which exercises the course shows, in which order (fields are read from the request:
    one `exercise` value per ticked box, and a `position-<id>` number each)."""


class FrictionForm(FlaskForm):
    """Course overrides of the friction thresholds (empty = the default)."""


# What each threshold does, in the instructor's words (the rule it tunes, and its unit).
THRESHOLD_LABELS = {
    "reflect_after_failures": "Failed checks in a row before a reflection is asked for (F1)",
    "rapid_failures": "Quick failed checks in a row before the next check waits (F2)",
    "rapid_window_s": "A check this soon after the last one counts as quick (F2, seconds)",
    "cooldown_s": "The wait before the next check (F2, seconds)",
    "eq_threshold": "Error quotient that offers a break (F6, 0 to 1)",
    "eq_min_checks": "Checks before the error quotient can offer a break (F6)",
    "eq_window_s": "The error quotient counts the checks of the last (F6, seconds)",
    "red_threshold": "Repeated-error density that offers a break (F6)",
    "break_minutes": "Length of the break offered (F6, minutes)",
    "reentry_idle_s": "A pause after a failure that brings the re-entry card (F7, seconds)",
    "session_idle_s": "Idle time that ends a study session (seconds)",
    "hint_genuine_failures": "Failed checks with changed code before the first hint (F3)",
    "hint_cooldown_1_s": "The wait after hint 1 before hint 2 (F4, seconds)",
    "hint_cooldown_2_s": "The wait after hint 2 before hint 3 (F4, seconds)",
    "hint_cooldown_3_s": "The wait after hint 3 before the next (F4, seconds)",
}


for _setting in fields(FrictionConfig):
    setattr(
        FrictionForm,
        _setting.name,
        DecimalField(
            THRESHOLD_LABELS[_setting.name],
            validators=[Optional(), NumberRange(min=0, message="Use a number of 0 or more.")],
            places=None,  # a stored 3 shows as 3.0, not 3.00
            # The page says an empty box keeps the default: the placeholder shows which.
            render_kw={"placeholder": f"{_setting.default:g}"},
        ),
    )


class UploadForm(FlaskForm):
    """An exercise folder, zipped, for one track."""

    archive = FileField(
        "Exercise folder (zip)", validators=[FileRequired(message="Choose a zip file.")]
    )
    track = SelectField("Track", choices=[])
    folder = StringField(
        "Folder name in the track",
        validators=[DataRequired(message="Name the folder, e.g. 040-observer."), Length(max=80)],
    )
