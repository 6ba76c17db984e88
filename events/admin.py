from django.contrib import admin

from . import services
from .models import Attendee, ChangeNotice, Event, EventChange, EventTranslation, ReminderSent


class EventTranslationInline(admin.StackedInline):
    model = EventTranslation
    fields = ("language", "title", "description")
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "campaign",
        "starts_at",
        "time_zone",
        "kind",
        "status",
        "capacity",
        "places_taken",
        "waitlist_count",
        "attended_count",
    )
    list_filter = ("status", "kind", "campaign")
    search_fields = ("title", "slug", "campaign__title")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "starts_at"
    inlines = [EventTranslationInline]
    readonly_fields = (
        "uuid",
        "sequence",
        "places_taken",
        "waitlist_count",
        "attended_count",
        "counted_at",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": ("campaign", "title", "slug", "status", "description")}),
        ("When", {"fields": ("starts_at", "ends_at", "time_zone", "signups_close_at", "reminder_offsets")}),
        ("Where", {"fields": ("kind", "venue_name", "address", "reveal_place_after_signup", "join_url")}),
        ("Watch", {"fields": ("livestream_url", "recording_url")}),
        ("Sign-ups", {"fields": ("capacity", "waitlist", "ask_organisation", "ask_accessibility")}),
        (
            "Totals",
            {
                "fields": (
                    "places_taken",
                    "waitlist_count",
                    "attended_count",
                    "counted_at",
                    "sequence",
                    "uuid",
                )
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        # Through the service, so attendees hear about a new time or place, or a cancellation, and a
        # larger capacity promotes from the waitlist, as when organisers edit in the dashboard.
        previous = Event.objects.get(pk=obj.pk) if change else None
        if previous is not None and obj.is_cancelled and not previous.is_cancelled:
            obj.status = Event.Status.SCHEDULED
            services.save_event(obj, previous)
            services.cancel_event(obj)
        else:
            services.save_event(obj, previous)


@admin.register(Attendee)
class AttendeeAdmin(admin.ModelAdmin):
    list_display = ("name", "event", "status", "created_at", "attended_at", "mails_requested")
    list_filter = ("status", ("created_at", admin.DateFieldListFilter), "event")
    search_fields = ("name", "email_normalized", "organisation")
    list_select_related = ("event",)
    show_full_result_count = False
    # Status changes go through the site (cancel, promote), so places and the waitlist stay right.
    readonly_fields = (
        "uuid",
        "event",
        "status",
        "email",
        "email_normalized",
        "created_at",
        "confirmed_at",
        "promoted_at",
        "cancelled_at",
        "updated_at",
        "consent_contact",
        "consent_text",
        "consent_at",
        "language",
        "referrer",
        "utm_source",
        "ip_hash",
        "user_agent",
        "mails_requested",
    )
    fields = (
        "uuid",
        "event",
        "status",
        "name",
        "email",
        "organisation",
        "accessibility_needs",
        "attended_at",
        "consent_contact",
        "consent_text",
        "consent_at",
        "created_at",
        "confirmed_at",
        "promoted_at",
        "cancelled_at",
        "updated_at",
        "language",
        "referrer",
        "utm_source",
        "ip_hash",
        "user_agent",
        "mails_requested",
        "email_normalized",
    )

    def has_add_permission(self, request):
        return False


@admin.register(EventChange)
class EventChangeAdmin(admin.ModelAdmin):
    list_display = ("event", "created_at", "time_changed", "place_changed", "cancelled")
    list_filter = ("cancelled",)
    readonly_fields = [f.name for f in EventChange._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ("attendee", "offset_minutes", "skipped", "sent_at")
    readonly_fields = ("attendee", "offset_minutes", "skipped", "sent_at")

    def has_add_permission(self, request):
        return False


@admin.register(ChangeNotice)
class ChangeNoticeAdmin(admin.ModelAdmin):
    list_display = ("change", "attendee", "sent_at")
    readonly_fields = ("change", "attendee", "sent_at")

    def has_add_permission(self, request):
        return False
