from __future__ import annotations

from django.urls import path, register_converter

from quotes import report_views


class FormatConverter:
    regex = "html|pdf|md|csv|json|claimreview"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

app_name = "reports"

urlpatterns = [
    path("reports/articles/<int:pk>.<fmt:fmt>", report_views.article_export, name="article_export"),
    path("reports/claims.<fmt:fmt>", report_views.claims_export, name="claims_export"),
    path("reports/background", report_views.background_report, name="background"),
    path("reports/files/<int:pk>/", report_views.report_file, name="file"),
    path("reports/files/<int:pk>/download", report_views.report_download, name="download"),
    # Public permalink of a published verdict: no login.
    path("v/<int:pk>/", report_views.public_verdict, name="verdict"),
]
