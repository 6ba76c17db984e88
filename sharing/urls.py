from django.urls import path

from . import dashboard, views, widgets

app_name = "sharing"
urlpatterns = [
    path("s/<str:slug>", views.short_link, name="short_link"),
    path("s/<str:slug>/", views.short_link),
    path("c/<slug:campaign_slug>/share.png", views.campaign_image, name="campaign_image"),
    path(
        "c/<slug:campaign_slug>/<slug:statement_slug>/share.png",
        views.statement_image,
        name="statement_image",
    ),
    path("c/<slug:campaign_slug>/<slug:statement_slug>/embed/", widgets.widget, name="widget"),
    path(
        "c/<slug:campaign_slug>/<slug:statement_slug>/embed/counter/", widgets.counter, name="widget_counter"
    ),
    path(
        "c/<slug:campaign_slug>/<slug:statement_slug>/embed/thanks/",
        widgets.widget_thanks,
        name="widget_thanks",
    ),
    path(
        "dashboard/c/<slug:campaign_slug>/s/<slug:statement_slug>/sharing/",
        dashboard.sharing,
        name="dashboard",
    ),
    path(
        "dashboard/c/<slug:campaign_slug>/s/<slug:statement_slug>/sharing/links/",
        dashboard.add_short_link,
        name="add_short_link",
    ),
    path(
        "dashboard/c/<slug:campaign_slug>/s/<slug:statement_slug>/sharing/links/<slug:slug>/remove/",
        dashboard.remove_short_link,
        name="remove_short_link",
    ),
]
