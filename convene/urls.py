from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from convene.lib.health import health, ready

admin.site.site_header = _("Convene site administration")
admin.site.site_title = _("Convene")

urlpatterns = [
    path("", include("convene.collaboratives.urls")),
    path("", include("convene.measures.urls")),
    path("", include("convene.reporting.urls")),
    path("", include("convene.trials.urls")),
    path("", include("convene.dashboards.urls")),
    path("", include("convene.improvement.urls")),
    path("", include("convene.notifications.urls")),
    path("accounts/", include("convene.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("health/ready/", ready, name="health-ready"),
]

handler404 = "convene.lib.errors.not_found"
handler403 = "convene.lib.errors.forbidden"
handler500 = "convene.lib.errors.server_error"
