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


for _setting in fields(FrictionConfig):
    setattr(
        FrictionForm,
        _setting.name,
        DecimalField(
            _setting.name.replace("_", " "),
            validators=[Optional(), NumberRange(min=0, message="Use a number of 0 or more.")],
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
