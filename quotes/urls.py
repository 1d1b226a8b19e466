from django.urls import path

from quotes import views

app_name = "quotes"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("import/", views.article_import, name="import"),
    path("import/url", views.article_import_url, name="import_url"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/claims/new", views.claim_create, name="article_claim_create"),
    path("articles/<int:pk>/undo", views.reshape_undo, name="reshape_undo"),
    path("claims/", views.claim_list, name="claims"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/speaker", views.claim_speaker, name="claim_speaker"),
    path("claims/<int:pk>/kind", views.claim_kind, name="claim_kind"),
    path("claims/<int:pk>/split", views.claim_split, name="claim_split"),
    path("claims/<int:pk>/merge", views.claim_merge, name="claim_merge"),
    path("claims/<int:pk>/evidence", views.claim_evidence, name="claim_evidence"),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/detach",
        views.claim_evidence_detach,
        name="claim_evidence_detach",
    ),
    path("claims/<int:pk>/verdict", views.claim_verdict, name="claim_verdict"),
    path("claims/<int:pk>/publish", views.verdict_publish, name="claim_publish"),
    path("speakers/", views.speaker_list, name="speakers"),
    path("speakers/search", views.speaker_search, name="speaker_search"),
    path("speakers/<int:pk>/", views.speaker_detail, name="speaker"),
    path("ratings.css", views.ratings_css, name="ratings_css"),
]
