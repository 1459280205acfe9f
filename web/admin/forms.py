"""The admin area's forms (Flask-WTF: each carries the session's CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """The admin password."""

    password = PasswordField("密码", validators=[DataRequired(), Length(max=200)])


class ActionForm(FlaskForm):
    """A button that changes something (log out, remove a plan): only its CSRF token."""


class SynonymForm(FlaskForm):
    """A word staff use → the plans' words for it (terms.yaml synonyms)."""

    q = HiddenField()
    word = StringField("问题里的词", validators=[DataRequired(), Length(max=20)])
    plan_words = StringField("方案里的说法（多个用、分隔）", validators=[DataRequired(), Length(max=200)])


class CorrectionForm(FlaskForm):
    """An input-method slip → the word meant (terms.yaml corrections)."""

    q = HiddenField()
    typed = StringField("输错的词", validators=[DataRequired(), Length(max=20)])
    meant = StringField("正确的词", validators=[DataRequired(), Length(max=20)])


class AliasForm(FlaskForm):
    """Another name of a unit (units.yaml)."""

    q = HiddenField()
    unit = StringField("单位", validators=[DataRequired(), Length(max=30)])
    alias = StringField("别名", validators=[DataRequired(), Length(max=30)])


class UploadForm(FlaskForm):
    """A plan file to add to the corpus."""

    plan = FileField("方案文件（.txt、.docx、.pdf、.ofd、.doc 或 .wps）", validators=[FileRequired("请选择文件")])
    replace = BooleanField("替换同名方案")


class ClauseForm(FlaskForm):
    """A clause's units as staff correct them (the plan's corrections file): each list one unit per line,
    never text split at 、 (县〔市、区、特区〕人民政府 is one unit)."""

    lead = TextAreaField("牵头单位（每行一个）", validators=[Length(max=4000)])
    cooperate = TextAreaField("配合单位（每行一个）", validators=[Length(max=4000)])
    deadline = StringField("完成时限（可不填）", validators=[Length(max=40)])


class RenamesForm(FlaskForm):
    """corpus/renames.yaml as staff edit it: the whole file, checked before it is saved."""

    text = TextAreaField("renames.yaml", validators=[Length(max=1_000_000)])
