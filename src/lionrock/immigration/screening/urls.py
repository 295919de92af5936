from django.urls import path

from lionrock.immigration.screening.views import cases, checklists, interviews, referrals, statistics

app_name = "screening"

urlpatterns = [
    path("", cases.queue, name="queue"),
    path("cases/", cases.cases, name="cases"),
    path("cases/new/", cases.case_new, name="case_new"),
    path("cases/<str:reference>/", cases.case_detail, name="case"),
    path("cases/<str:reference>/reveal/", cases.case_reveal, name="case_reveal"),
    path("cases/<str:reference>/hide/", cases.case_hide, name="case_hide"),
    path("cases/<str:reference>/support/", cases.case_support, name="case_support"),
    path("cases/<str:reference>/initial/", interviews.initial_screening, name="initial"),
    path("cases/<str:reference>/referrals/", referrals.referral_new, name="referral_new"),
    path("debriefings/<int:debriefing_id>/", interviews.debriefing, name="debriefing"),
    path("debriefings/<int:debriefing_id>/review/", interviews.debriefing_review, name="debriefing_review"),
    path("debriefings/<int:debriefing_id>/assign/", interviews.debriefing_assign, name="debriefing_assign"),
    path("debriefings/<int:debriefing_id>/draft/", interviews.debriefing_draft, name="debriefing_draft"),
    path("decisions/route/", interviews.decisions_route, name="decisions_route"),
    path("decisions/<int:debriefing_id>/route/", interviews.decision_route, name="decision_route"),
    path("referrals/<int:referral_id>/revoke/", referrals.referral_revoke, name="referral_revoke"),
    path("support/", referrals.incoming, name="incoming"),
    path("support/<int:referral_id>/", referrals.incoming_detail, name="incoming_detail"),
    path("checklists/", checklists.checklist_list, name="checklists"),
    path("checklists/import/", checklists.checklist_import, name="checklist_import"),
    path("checklists/<int:checklist_id>/", checklists.checklist_detail, name="checklist"),
    path("checklists/<int:checklist_id>/activate/", checklists.checklist_activate, name="checklist_activate"),
    path("statistics/", statistics.statistics, name="statistics"),
    path("statistics/htcds.csv", statistics.htcds_export, name="htcds_export"),
]
