from django.contrib import admin

from lionrock.core.accounts.models import ApiToken, Membership, Organisation, User
from lionrock.core.shell.inspection import InspectionAdmin


@admin.register(Organisation)
class OrganisationAdmin(InspectionAdmin):
    list_display = ("slug", "name_en", "name_zh", "kind", "sector", "is_active")
    list_filter = ("kind", "sector", "is_active")
    search_fields = ("slug", "name_en", "name_zh")


@admin.register(User)
class UserAdmin(InspectionAdmin):
    list_display = ("email", "full_name", "is_active", "must_change_password")
    search_fields = ("email", "full_name")
    exclude = ("password", "user_permissions", "groups")


@admin.register(Membership)
class MembershipAdmin(InspectionAdmin):
    list_display = ("user", "organisation", "is_active")
    list_filter = ("organisation",)


@admin.register(ApiToken)
class ApiTokenAdmin(InspectionAdmin):
    list_display = ("name", "prefix", "user", "organisation", "expires_at", "revoked_at")
    exclude = ("digest",)
