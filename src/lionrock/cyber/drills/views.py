"""Pages: planners plan and close drills, the white cell runs the live board, players see their part."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lionrock.core.accounts.access import NotFound, actor_for_request
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.documents import PdfUnavailable
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.drills import clock, downloads, report, selectors, services
from lionrock.cyber.drills.forms import ExerciseForm, FindingForm, HotWashForm, InjectForm, ManualScoreForm
from lionrock.cyber.drills.models import Exercise, Expectation, Inject


def _organisations() -> list[tuple[str, str]]:
    language = get_language()
    return [
        (org.slug, org.display_name(language))
        for org in Organisation.objects.filter(is_active=True).order_by("name_en")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def exercise_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    planning = actor.organisations_with(Role.DRILL_PLANNER)
    if (
        not planning
        and not actor.has_role(Role.DRILL_PARTICIPANT)
        and not selectors.exercises_visible(actor=actor).exists()
    ):
        raise NotFound
    form = ExerciseForm(request.POST or None, organisations=_organisations()) if planning else None
    if request.method == "POST":
        if form is None:
            raise NotFound
        if form.is_valid():
            data = form.cleaned_data
            try:
                exercise = services.exercise_create(
                    actor=actor,
                    organiser=Organisation.objects.get(pk=min(planning)),
                    template=data["template"],
                    teams=list(Organisation.objects.filter(slug__in=data["teams"], is_active=True)),
                    starts_at=data["starts_at"],
                    name_en=data["name_en"],
                    name_zh=data["name_zh"],
                    lines_per_team=data["lines_per_team"],
                )
            except ValidationFailed as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Exercise planned: canaries are planted for every team."))
                return redirect("drills:detail", pk=exercise.pk)
    exercises = selectors.exercises_listed(actor=actor)
    standings = selectors.standings_of(actor=actor, exercises=exercises)
    trends = selectors.team_trends(actor=actor)
    rows = [(exercise, _exercise_link(exercise, standings[exercise.pk])) for exercise in exercises]
    return render(request, "drills/list.html", {"rows": rows, "form": form, "trends": trends})


def _exercise_link(exercise: Exercise, found: selectors.Standing) -> str:
    """The white cell's board, or a player's own team's page (where the board would redirect them)."""
    if found.white_cell or not found.teams:
        return reverse("drills:detail", args=[exercise.pk])
    return reverse("drills:play", args=[exercise.pk, found.teams[0].organisation.slug])


def _board_context(request: HttpRequest, exercise: Exercise) -> dict[str, object]:
    actor = actor_for_request(request)
    found = selectors.standing(actor=actor, exercise=exercise)
    injects = list(selectors.msel(actor=actor, exercise=exercise))
    board = selectors.scoreboard(actor=actor, exercise=exercise, injects=injects)
    now = timezone.now()
    minutes = clock.elapsed(exercise, now) / timedelta(minutes=1)
    upcoming = [inject for inject in injects if inject.offset_minutes > minutes][:3]
    teams = [(str(t.team.pk), t.team.organisation.slug) for t in board.teams]
    return {
        "exercise": exercise,
        "standing": found,
        "board": board,
        "injects": injects,
        "upcoming": upcoming,
        "minutes": round(minutes, 1),
        "inject_form": InjectForm(teams=[(slug, slug) for _pk, slug in teams]) if found.controls else None,
        "finding_form": FindingForm(owners=_organisations()) if found.planner else None,
        "findings": list(selectors.findings_of(actor=actor, exercise=exercise)),
        "objectives": list(exercise.objectives.all()),
        "hotwash": list(selectors.hotwash_answers(actor=actor, exercise=exercise)),
    }


@login_required
@require_GET
def exercise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    exercise = selectors.exercise_get(actor=actor, pk=pk)
    found = selectors.standing(actor=actor, exercise=exercise)
    if not found.white_cell:
        if not found.teams:
            raise NotFound
        return redirect("drills:play", pk=exercise.pk, organisation=found.teams[0].organisation.slug)
    if exercise.status == Exercise.Status.RUNNING:
        services.injects_deliver_due(exercise=exercise)
    template = "drills/partials/board.html" if request.headers.get("HX-Request") else "drills/detail.html"
    return render(request, template, _board_context(request, exercise))


@login_required
@require_POST
def exercise_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    actor = actor_for_request(request)
    exercise = selectors.exercise_get(actor=actor, pk=pk)
    moves = {
        "start": services.exercise_start,
        "pause": services.exercise_pause,
        "resume": services.exercise_resume,
        "end": services.exercise_end,
    }
    if step == "shift":
        try:
            minutes = int(request.POST.get("minutes", ""))
        except ValueError:
            minutes = 0
        try:
            services.exercise_shift(actor=actor, exercise=exercise, minutes=minutes)
        except ValidationFailed as error:
            messages.error(request, str(error))
        return redirect("drills:detail", pk=pk)
    if step not in moves:
        raise NotFound
    try:
        moves[step](actor=actor, exercise=exercise)
    except ValidationFailed as error:
        messages.error(request, str(error))
    return redirect("drills:detail", pk=pk)


@login_required
@require_POST
def inject_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    exercise = selectors.exercise_get(actor=actor, pk=pk)
    slugs = [
        (t.organisation.slug, t.organisation.slug) for t in exercise.teams.select_related("organisation")
    ]
    form = InjectForm(request.POST, teams=slugs)
    if not form.is_valid():
        messages.error(request, _("The inject was not added: check its fields."))
        return redirect("drills:detail", pk=pk)
    data = form.cleaned_data
    expected = []
    if data["capability"] and data["deadline_minutes"]:
        expected.append(
            {"capability": data["capability"], "text_en": data["expected_text"] or data["title_en"],
             "deadline_minutes": data["deadline_minutes"], "score": 100}
        )  # fmt: skip
    try:
        services.inject_add(
            actor=actor,
            exercise=exercise,
            offset_minutes=data["offset_minutes"],
            title_en=data["title_en"],
            title_zh=data["title_zh"],
            body_en=data["body_en"],
            channel=data["channel"] or Inject.Channel.INBOX,
            technique=data["technique"],
            targets=list(Organisation.objects.filter(slug__in=data["teams"])),
            expectations=expected,
        )
    except ValidationFailed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Inject added to the timeline."))
    return redirect("drills:detail", pk=pk)


@login_required
@require_POST
def score_set(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    exercise = selectors.exercise_get(actor=actor, pk=pk)
    form = ManualScoreForm(request.POST)
    if form.is_valid():
        expectation = Expectation.objects.filter(
            pk=form.cleaned_data["expectation"], inject__exercise=exercise
        ).first()
        team = exercise.teams.filter(pk=form.cleaned_data["team"]).first()
        if expectation is None or team is None:
            raise NotFound
        try:
            services.manual_score_set(
                actor=actor,
                exercise=exercise,
                expectation=expectation,
                team=team,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationFailed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Score saved."))
    else:
        messages.error(request, _("A score needs a number and a comment."))
    return redirect("drills:detail", pk=pk)


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    exercise = selectors.exercise_get(actor=actor, pk=pk)
    form = FindingForm(request.POST, owners=_organisations())
    if form.is_valid():
        try:
            services.finding_add(
                actor=actor,
                exercise=exercise,
                text=form.cleaned_data["text"],
                improvement=form.cleaned_data["improvement"],
                owner=Organisation.objects.get(slug=form.cleaned_data["owner"]),
                due=form.cleaned_data["due"],
            )
        except ValidationFailed as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("A finding needs its text, the improvement, an owner and a due date."))
    return redirect("drills:detail", pk=pk)


@login_required
@require_POST
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    exercise = selectors.exercise_get(actor=actor, pk=pk)
    try:
        services.report_approve(actor=actor, exercise=exercise)
    except ValidationFailed as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Report approved; the exercise's objects were purged from its collection.")
        )
    return redirect("drills:detail", pk=pk)


@login_required
@require_GET
def play(request: HttpRequest, pk: int, organisation: str) -> HttpResponse:
    actor = actor_for_request(request)
    exercise = selectors.exercise_get(actor=actor, pk=pk)
    team = selectors.team_get(actor=actor, exercise=exercise, organisation=organisation)
    if exercise.status == Exercise.Status.RUNNING:
        services.injects_deliver_due(exercise=exercise)
    deliveries = list(selectors.injects_for_team(actor=actor, exercise=exercise, team=team))
    board = selectors.scoreboard(actor=actor, exercise=exercise)
    own = next((b for b in board.teams if b.team.pk == team.pk), None)
    return render(
        request,
        "drills/play.html",
        {
            "exercise": exercise,
            "team": team,
            "deliveries": deliveries,
            "has_artefacts": any(d.inject.channel == Inject.Channel.ARTEFACT for d in deliveries),
            "own": own,
            "hotwash_form": HotWashForm() if exercise.status == Exercise.Status.ENDED else None,
            "hotwash": list(selectors.hotwash_answers(actor=actor, exercise=exercise).filter(team=team)),
        },
    )


@login_required
@require_POST
def hotwash(request: HttpRequest, pk: int, organisation: str) -> HttpResponse:
    actor = actor_for_request(request)
    exercise = selectors.exercise_get(actor=actor, pk=pk)
    team = selectors.team_get(actor=actor, exercise=exercise, organisation=organisation)
    form = HotWashForm(request.POST)
    if form.is_valid():
        try:
            services.hotwash_submit(actor=actor, exercise=exercise, team=team, **form.cleaned_data)
        except ValidationFailed as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you: your answers were saved."))
    else:
        messages.error(request, _("Answer both questions."))
    return redirect("drills:play", pk=pk, organisation=organisation)


@login_required
@require_POST
def finding_move(request: HttpRequest, pk: int, finding: int) -> HttpResponse:
    actor = actor_for_request(request)
    exercise = selectors.exercise_get(actor=actor, pk=pk)
    found = selectors.findings_of(actor=actor, exercise=exercise).filter(pk=finding).first()
    if found is None:
        raise NotFound
    try:
        services.finding_move(actor=actor, finding=found, to=request.POST.get("status", ""))
    except ValidationFailed as error:
        messages.error(request, str(error))
    return redirect("drills:detail", pk=pk)


@login_required
@require_GET
def artefacts(request: HttpRequest, pk: int, organisation: str) -> HttpResponse:
    """Makes sure the team's archive is stored, then sends the browser to the file store's download."""
    actor = actor_for_request(request)
    exercise = selectors.exercise_get(actor=actor, pk=pk)
    try:
        stored = downloads.artefacts_archive(actor=actor, exercise=exercise, organisation=organisation)
    except ValidationFailed as error:
        messages.error(request, str(error))
        return redirect("drills:play", pk=pk, organisation=organisation)
    return redirect("files:download", attachment_id=stored.pk)


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for_request(request)
    exercise = selectors.exercise_get(actor=actor, pk=pk)
    language = report.language_of(request.GET.get("lang", ""))
    try:
        pdf = report.report_pdf(actor=actor, exercise=exercise, language=language)
    except PdfUnavailable:
        messages.error(request, _("PDF documents cannot be made on this server (WeasyPrint is missing)."))
        return redirect("drills:detail", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="drill-{exercise.pk}-report-{language}.pdf"'
    return response
