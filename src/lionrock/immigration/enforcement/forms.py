"""Forms for the public report, officers' logging of reports, and triage."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.immigration.enforcement import services, uploads
from lionrock.immigration.enforcement.employer_check import EMPLOYER_DUTIES
from lionrock.immigration.enforcement.models import (
    Arrest,
    District,
    IdentityDocument,
    Operation,
    Person,
    PremisesType,
    Report,
)
from lionrock.immigration.enforcement.services import ReportDetails, Upload

_SUBMISSION_SALT = "lionrock.enforcement.report-form"
SUBMISSION_MAX_AGE = 6 * 3600
HONEYPOT_FIELD = "website"


def submission_key_new() -> str:
    """A signed one-off key rendered into the form: a second click on "Send" returns the first report."""
    return signing.dumps(secrets.token_hex(16), salt=_SUBMISSION_SALT)


def _blank(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", _("— choose —")), *choices]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > uploads.MAX_FILES:
            raise forms.ValidationError(_("Attach at most %(count)s files.") % {"count": uploads.MAX_FILES})
        for item in files:
            if item.size is not None and item.size > uploads.MAX_FILE_BYTES:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than %(limit)s MB.")
                    % {"name": item.name, "limit": uploads.MAX_FILE_BYTES // 1048576}
                )
        return files


def uploads_read(files: list[UploadedFile]) -> list[Upload]:
    """The bytes of each file, read no further than the size limit allows."""
    return [Upload(name=item.name or "file", data=item.read(uploads.MAX_FILE_BYTES + 1)) for item in files]


class ReportDetailsForm(forms.Form):
    """What was seen, where and when: shared by the public form and the officers' log."""

    category = forms.ChoiceField(
        label=_("What did you see?"), choices=Report.Category.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Describe what you saw"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What people were doing, how many, and anything that made you think it was illegal."),
    )
    address = forms.CharField(
        label=_("Address"), max_length=300, help_text=_("Flat, floor, building, street.")
    )
    district = forms.ChoiceField(label=_("District"), choices=_blank(District.choices), required=False)
    premises_type = forms.ChoiceField(
        label=_("Type of premises"), choices=_blank(PremisesType.choices), required=False
    )
    business_name = forms.CharField(
        label=_("Name of the business or employer (if known)"), max_length=200, required=False
    )
    observed_on = forms.DateField(
        label=_("Date seen"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    observed_time = forms.TimeField(
        label=_("Time seen"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    people_involved = forms.CharField(
        label=_("People involved"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Descriptions, names or numbers of the workers or employers, if you know them."),
    )
    attachments = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("Up to 3 files: JPEG, PNG or PDF, at most 5 MB each."),
    )
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    reporter_contact = forms.CharField(
        label=_("Phone or email to reach you (optional)"),
        max_length=200,
        required=False,
        help_text=_("Leave both empty to report anonymously. Your details are kept encrypted."),
    )

    def details(self, *, language: str = "") -> ReportDetails:
        data = self.cleaned_data
        return ReportDetails(
            category=data["category"],
            description=data["description"],
            address=data["address"],
            district=data.get("district") or "",
            premises_type=data.get("premises_type") or "",
            business_name=data.get("business_name") or "",
            people_involved=data.get("people_involved") or "",
            observed_on=data.get("observed_on"),
            observed_time=data.get("observed_time"),
            reporter_name=data.get("reporter_name") or "",
            reporter_contact=data.get("reporter_contact") or "",
            language=language,
        )


class PublicReportForm(ReportDetailsForm):
    """The public form: a honeypot field people never see, and a signed key against double sending."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    submission = forms.CharField(widget=forms.HiddenInput)

    def clean_submission(self) -> str:
        try:
            value = signing.loads(
                self.cleaned_data["submission"], salt=_SUBMISSION_SALT, max_age=SUBMISSION_MAX_AGE
            )
        except signing.BadSignature as exc:
            raise forms.ValidationError(
                _("This form has expired. Reload the page and send your report again.")
            ) from exc
        return str(value)

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get(HONEYPOT_FIELD))


class OfficerReportForm(ReportDetailsForm):
    """An officer logs a report received by hotline, fax, email or in person."""

    field_order = ("channel", "received_at")

    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=_blank([c for c in Report.Channel.choices if c[0] != Report.Channel.ONLINE]),
    )
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty for now."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].label = _("What was reported")
        self.fields["description"].label = _("What the reporter said")
        self.fields["description"].help_text = ""
        self.fields["reporter_name"].label = _("Reporter's name (optional)")
        self.fields["reporter_contact"].label = _("Reporter's phone or email (optional)")
        self.fields["reporter_contact"].help_text = _("Kept encrypted; leave empty for an anonymous report.")


class ReportStatusForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"), max_length=30, help_text=_("For example IR-7K3M9-Q2X4P.")
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open")), ("", _("All")), *Report.Status.choices],
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_blank(Report.Priority.choices),
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_blank(Report.Channel.choices))
    assigned = forms.ChoiceField(
        label=_("Assigned to"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("nobody", _("Nobody"))],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, officers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody")), *officers]  # type: ignore[attr-defined]


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int, choices=Report.Priority.choices)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class DuplicateForm(forms.Form):
    original = forms.CharField(
        label=_("Duplicate of report"), max_length=30, help_text=_("The reference of the report to keep.")
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=_blank([c for c in Report.Outcome.choices if c[0] != Report.Outcome.DUPLICATE]),
    )
    note = forms.CharField(
        label=_("Reason (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OffenceDateForm(forms.Form):
    on = forms.DateField(
        label=_("In force on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


# --- Operations ------------------------------------------------------------------------------------------


class OperationForm(forms.Form):
    codename = forms.CharField(label=_("Codename"), max_length=60, help_text=_("For example Contribute."))
    kind = forms.ChoiceField(label=_("Type"), choices=Operation.Kind.choices)
    planned_start = forms.DateTimeField(
        label=_("Planned start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    planned_end = forms.DateTimeField(
        label=_("Planned end"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    lead_officer = forms.TypedChoiceField(label=_("Lead officer"), coerce=int)
    team = forms.TypedMultipleChoiceField(
        label=_("Team"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    publicity = forms.MultipleChoiceField(
        label=_("Publicity actions"),
        choices=Operation.Publicity.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, officers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_officer"].choices = officers  # type: ignore[attr-defined]
        self.fields["team"].choices = officers  # type: ignore[attr-defined]


class OperationStatusForm(forms.Form):
    """The operation's status, starting at the one it has; executing before the plan needs a tick."""

    status = forms.ChoiceField(label=_("Status"), choices=Operation.Status.choices)
    started_early = forms.BooleanField(required=False)

    def __init__(self, *args: Any, operation: Operation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"status": operation.status})
        super().__init__(*args, **kwargs)
        offered = {operation.status, *services.operation_statuses_next(operation)}
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Operation.Status.choices if value in offered
        ]
        if operation.status == Operation.Status.PLANNED and operation.planned_start > timezone.now():
            self.fields["started_early"].label = _(
                "It started before its planned start (%(time)s): record it as executed early"
            ) % {"time": timezone.localtime(operation.planned_start).strftime("%Y-%m-%d %H:%M")}
        else:
            del self.fields["started_early"]


class PremisesForm(forms.Form):
    address = forms.CharField(label=_("Address"), max_length=300)
    district = forms.ChoiceField(label=_("District"), choices=_blank(District.choices))
    premises_type = forms.ChoiceField(label=_("Type of premises"), choices=_blank(PremisesType.choices))
    business_name = forms.CharField(label=_("Business name"), max_length=200, required=False)
    visited_at = forms.DateTimeField(
        label=_("Visited at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class ArrestForm(forms.Form):
    """A person arrested in this operation: who they are, their document, role and offences."""

    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices)
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    age_estimate = forms.IntegerField(
        label=_("Age (if no date of birth)"), required=False, min_value=1, max_value=109
    )
    nationality = forms.CharField(
        label=_("Nationality"),
        max_length=3,
        required=False,
        help_text=_("Three-letter code, e.g. PHL, IDN, VNM."),
    )
    status_category = forms.ChoiceField(label=_("Immigration status"), choices=Person.StatusCategory.choices)
    document_kind = forms.ChoiceField(
        label=_("Identity document"), required=False, choices=_blank(IdentityDocument.Kind.choices)
    )
    document_number = forms.CharField(label=_("Document number"), max_length=40, required=False)
    check_digit = forms.CharField(
        label=_("Check digit from the machine-readable zone"),
        max_length=1,
        required=False,
        help_text=_("Travel documents only."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Arrest.Role.choices)
    work_type = forms.ChoiceField(label=_("Work"), choices=Arrest.WorkType.choices, required=False)
    premises = forms.TypedChoiceField(label=_("Premises"), coerce=int, required=False, empty_value=None)
    arrested_at = forms.DateTimeField(
        label=_("Arrested at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    offences = forms.MultipleChoiceField(label=_("Offences"), widget=forms.CheckboxSelectMultiple)

    def __init__(
        self, *args: Any, premises: list[tuple[int, str]], offences: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["premises"].choices = [("", _("— not recorded —")), *premises]  # type: ignore[attr-defined]
        self.fields["offences"].choices = offences  # type: ignore[attr-defined]

    NEW_PERSON_FIELDS = ("name_en", "name_zh", "date_of_birth", "age_estimate", "nationality")

    def new_person_given(self) -> bool:
        """Whether the officer described a new person (a choice of an existing one must then be refused)."""
        return any(self.cleaned_data.get(name) for name in self.NEW_PERSON_FIELDS)


class OperationPlanForm(OperationForm):
    """The plan as it stands, to change while the operation is planned; `version` notices a rival edit."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)


class OperationRecordForm(forms.Form):
    """After execution: the actual times, the notes, and closing the operation."""

    actual_start = forms.DateTimeField(
        label=_("Actual start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    actual_end = forms.DateTimeField(
        label=_("Actual end"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    close = forms.BooleanField(
        label=_("Close the operation"),
        required=False,
        help_text=_("When every arrest is recorded. A closed operation can no longer be changed."),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class ReportReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("Report reference"), max_length=30, help_text=_("For example IR-7K3M9-Q2X4P.")
    )


class PersonSearchForm(forms.Form):
    """Finds a person the department already holds, by name or by the number of a document they hold."""

    find = forms.CharField(
        label=_("Name or document number"),
        min_length=2,
        max_length=100,
        help_text=_("English name in any order, Chinese name, or an identity card or passport number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ExistingPersonForm(forms.Form):
    """Which existing person an arrest is for (empty when the arrest form describes a new person), and
    their immigration status at this arrest when it is no longer the one on record.

    Shown with the search results, outside the arrest form, so its fields name that form.
    """

    existing_person = forms.IntegerField(required=False, min_value=1)
    status_now = forms.ChoiceField(
        label=_("Immigration status at this arrest"),
        required=False,
        choices=[("", _("Unchanged")), *Person.StatusCategory.choices],
        help_text=_(
            "For the person chosen above, when their status has changed since they were last recorded: "
            "their record is updated, and the status decides with the role and work whether a screening "
            "is owed."
        ),
        widget=forms.Select(attrs={"form": "arrest-form", "aria-describedby": "status-now-help"}),
    )


class LinkOperationForm(forms.Form):
    operation = forms.TypedChoiceField(label=_("Operation"), coerce=int)

    def __init__(self, *args: Any, operations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operation"].choices = operations  # type: ignore[attr-defined]


class CaseForm(forms.Form):
    stage = forms.ChoiceField(label=_("Case stage"), choices=Arrest.Stage.choices)
    plea = forms.ChoiceField(label=_("Plea"), choices=_blank(Arrest.Plea.choices), required=False)
    fine_hkd = forms.IntegerField(label=_("Fine (HK$)"), required=False, min_value=0, max_value=100_000_000)
    imprisonment_months = forms.IntegerField(
        label=_("Imprisonment (months)"), required=False, min_value=0, max_value=1200
    )
    suspended = forms.BooleanField(label=_("Sentence suspended"), required=False)


class IdentityDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=IdentityDocument.Kind.choices)
    number = forms.CharField(label=_("Number"), max_length=40)
    check_digit = forms.CharField(
        label=_("Check digit from the machine-readable zone"),
        max_length=1,
        required=False,
        help_text=_("Travel documents only."),
    )
    issuing_country = forms.CharField(
        label=_("Issuing country"), max_length=3, required=False, help_text=_("Three-letter code, e.g. PHL.")
    )
    expiry_date = forms.DateField(
        label=_("Expiry date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class EmployerCheckForm(forms.Form):
    """What a job seeker showed; either or both. Nothing typed here is stored."""

    hkid = forms.CharField(
        label=_("Hong Kong identity card number"),
        max_length=20,
        required=False,
        help_text=_("As printed on the card, e.g. A123456(3)."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    zone = forms.CharField(
        label=_("Machine-readable zone of the travel document"),
        max_length=200,
        required=False,
        help_text=_(
            "The two or three lines of letters, digits and < at the foot of the photo page; type or paste."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("hkid") or data.get("zone")):
            raise forms.ValidationError(_("Enter an identity card number or a machine-readable zone."))
        return data


class EmployerRecordForm(EmployerCheckForm):
    """The check again (from hidden fields) and what the employer adds to the inspection record.

    Everything here is optional and printed escaped; it is stored, encrypted, only when they choose to save.
    """

    business_name = forms.CharField(
        label=_("Your business or name as employer"), max_length=200, required=False
    )
    job_seeker_name = forms.CharField(label=_("Job seeker's name"), max_length=200, required=False)
    enquiries = forms.CharField(
        label=_("Enquiries you made and the answers"),
        max_length=2000,
        required=False,
        help_text=_("For example: asked about their conditions of stay; saw their visa label."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    duties_done = forms.TypedMultipleChoiceField(
        label=_("Tick the steps you have taken"),
        required=False,
        coerce=int,
        choices=[(index, text) for index, text in enumerate(EMPLOYER_DUTIES)],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "record_%s")  # shown below the check form: ids must differ
        super().__init__(*args, **kwargs)
        self.fields["hkid"].widget = forms.HiddenInput()
        self.fields["zone"].widget = forms.HiddenInput()


class EmployerRecordLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Record reference"),
        max_length=30,
        help_text=_("For example ER-7K3M9-Q2X4P."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("Retrieval code"),
        max_length=40,
        help_text=_("The code shown when you saved the record, e.g. K3M9-Q2X4-P7RT-8ABC."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class StatisticsForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
