from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Fact-check workbench: editors"
admin.site.site_title = "Fact-check admin"
admin.site.index_title = "Articles, claims and verdicts"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("quotes.report_urls")),
    path("", include("quotes.urls")),
]
