"""Short links, share images and the embeddable widget: addresses other sites and posts link to.

campaign/urls.py says where each list lives (s/ and c/<campaign>/); the namespace is sharing,
shared with the organisers' page in sharing/dashboard_urls.py.
"""

from django.urls import path

from . import views, widgets

# Under s/.
short_links = [
    path("<str:slug>", views.short_link, name="short_link"),
    path("<str:slug>/", views.short_link),
]

# Under c/<slug:campaign_slug>/.
urlpatterns = [
    path("share.png", views.campaign_image, name="campaign_image"),
    path("<slug:statement_slug>/share.png", views.statement_image, name="statement_image"),
    path("<slug:statement_slug>/embed/", widgets.widget, name="widget"),
    path("<slug:statement_slug>/embed/counter/", widgets.counter, name="widget_counter"),
    path("<slug:statement_slug>/embed/thanks/", widgets.widget_thanks, name="widget_thanks"),
]
