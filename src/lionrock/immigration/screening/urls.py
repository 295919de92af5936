from django.urls import path

from lionrock.immigration.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/", views.cases, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<str:reference>/", views.case_detail, name="case"),
    path("cases/<str:reference>/reveal/", views.case_reveal, name="case_reveal"),
    path("cases/<str:reference>/hide/", views.case_hide, name="case_hide"),
    path("cases/<str:reference>/support/", views.case_support, name="case_support"),
    path("cases/<str:reference>/initial/", views.initial_screening, name="initial"),
    path("cases/<str:reference>/referrals/", views.referral_new, name="referral_new"),
    path("debriefings/<int:debriefing_id>/", views.debriefing, name="debriefing"),
    path("debriefings/<int:debriefing_id>/review/", views.debriefing_review, name="debriefing_review"),
    path("debriefings/<int:debriefing_id>/assign/", views.debriefing_assign, name="debriefing_assign"),
    path("debriefings/<int:debriefing_id>/draft/", views.debriefing_draft, name="debriefing_draft"),
    path("decisions/route/", views.decisions_route, name="decisions_route"),
    path("decisions/<int:debriefing_id>/route/", views.decision_route, name="decision_route"),
    path("referrals/<int:referral_id>/revoke/", views.referral_revoke, name="referral_revoke"),
    path("support/", views.incoming, name="incoming"),
    path("support/<int:referral_id>/", views.incoming_detail, name="incoming_detail"),
    path("checklists/", views.checklist_list, name="checklists"),
    path("checklists/import/", views.checklist_import, name="checklist_import"),
    path("checklists/<int:checklist_id>/", views.checklist_detail, name="checklist"),
    path("checklists/<int:checklist_id>/activate/", views.checklist_activate, name="checklist_activate"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/htcds.csv", views.htcds_export, name="htcds_export"),
]
