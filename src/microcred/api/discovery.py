"""The Service Description Document (OB 3.0 §6.3 "Service Discovery Endpoint").

An OpenAPI 3.0 document describing this host's OB 3.0 API: ``info.termsOfService``,
``info.x-imssf-privacyPolicyUrl``, and ``components.securitySchemes.OAuth2ACG`` (type oauth2,
``x-imssf-registrationUrl`` for RFC 7591 registration, the authorization code flow and the
four OB 3.0 scopes). Clients read it to find where to register and authorize.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

__all__ = ["service_description"]


def _url(name: str) -> str:
    return str(settings.PUBLIC_URL) + reverse(name)


def _scopes() -> dict[str, str]:
    prefix = str(settings.OB_SCOPE)
    return {k: v for k, v in settings.OAUTH2_PROVIDER["SCOPES"].items() if k.startswith(prefix)}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Imsx_StatusInfo"}}}}


def _errors(*codes: int) -> dict[str, Any]:
    names = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
             405: "Method not allowed", 500: "Internal server error"}
    out = {str(c): _error(names[c]) for c in codes}
    out["default"] = _error("Unexpected error")
    return out


def service_description() -> dict[str, Any]:
    ob = str(settings.OB_SCOPE)
    base = str(settings.PUBLIC_URL)
    credentials_get = {
        "tags": ["OpenBadgeCredentials"], "summary": "The authenticated user's credentials",
        "operationId": "getCredentials", "security": [{"OAuth2ACG": [ob + "credential.readonly"]}],
        "parameters": [
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}},
            {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
            {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}},
        ],
        "responses": {"200": {
            "description": "The credentials, newest first; X-Total-Count and Link headers page "
                           "through them.",
            "headers": {"X-Total-Count": {"schema": {"type": "integer"}},
                        "Link": {"schema": {"type": "string"}}},
            "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/GetOpenBadgeCredentialsResponse"}}},
        }, **_errors(400, 401, 403, 405, 500)},
    }
    credentials_post = {
        "tags": ["OpenBadgeCredentials"], "summary": "Add or replace a credential",
        "operationId": "upsertCredential", "security": [{"OAuth2ACG": [ob + "credential.upsert"]}],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/AchievementCredential"}},
            "text/plain": {"schema": {"type": "string", "description": "A compact JWS"}},
        }},
        "responses": {
            "200": {"description": "Replaced", "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/AchievementCredential"}}}},
            "201": {"description": "Created", "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/AchievementCredential"}}}},
            "304": {"description": "Not modified"},
            **_errors(400, 401, 403, 405, 500),
        },
    }
    profile = {
        "get": {"tags": ["Profile"], "summary": "The authenticated user's profile",
                "operationId": "getProfile",
                "security": [{"OAuth2ACG": [ob + "profile.readonly"]}],
                "responses": {"200": {"description": "The profile", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}}},
                    **_errors(401, 403, 404, 405, 500)}},
        "put": {"tags": ["Profile"], "summary": "Update the authenticated user's profile",
                "operationId": "putProfile",
                "security": [{"OAuth2ACG": [ob + "profile.update"]}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Profile"}}}},
                "responses": {"200": {"description": "The updated profile", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}}},
                    **_errors(400, 401, 403, 405, 500)}},
    }
    return {
        "openapi": "3.0.1",
        "info": {
            "title": str(settings.SITE_NAME) if hasattr(settings, "SITE_NAME") else "microcred",
            "description": "Open Badges 3.0 API: read and add credentials, read and update "
                           "the profile.",
            "version": "3.0",
            "termsOfService": _url("pages:terms"),
            "x-imssf-privacyPolicyUrl": _url("pages:privacy"),
            "x-imssf-image": f"{base}/static/microcred/badge.svg",
        },
        "servers": [{"url": base + "/ims/ob/v3p0", "description": "This host"}],
        "tags": [{"name": "OpenBadgeCredentials"}, {"name": "Profile"}, {"name": "Discovery"}],
        "paths": {
            "/credentials": {"get": credentials_get, "post": credentials_post},
            "/profile": profile,
            "/discovery": {"get": {
                "tags": ["Discovery"], "summary": "This document",
                "operationId": "getServiceDescription",
                "responses": {"200": {
                    "description": "The Service Description Document",
                    "content": {"application/json": {"schema": {
                        "$ref": "#/components/schemas/ServiceDescriptionDocument"}}},
                }, **_errors(404, 500)},
            }},
        },
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 authorization code grant with PKCE (S256); "
                                   "clients register dynamically (RFC 7591).",
                    "x-imssf-registrationUrl": _url("oauth2_provider:dcr-register"),
                    "flows": {"authorizationCode": {
                        "authorizationUrl": _url("oauth2_provider:authorize"),
                        "tokenUrl": _url("oauth2_provider:token"),
                        "refreshUrl": _url("oauth2_provider:token"),
                        "scopes": _scopes(),
                    }},
                },
            },
            "schemas": {
                "GetOpenBadgeCredentialsResponse": {"type": "object", "properties": {
                    "credential": {"type": "array", "items": {
                        "$ref": "#/components/schemas/AchievementCredential"}},
                    "compactJwsString": {"type": "array", "items": {"type": "string"}},
                }},
                "AchievementCredential": {"type": "object", "required": [
                    "@context", "id", "type", "issuer", "validFrom", "credentialSubject"],
                    "additionalProperties": True},
                "Profile": {"type": "object", "required": ["id", "type"],
                            "additionalProperties": True},
                "ServiceDescriptionDocument": {"type": "object", "additionalProperties": True},
                "Imsx_StatusInfo": {"type": "object", "required": [
                    "imsx_codeMajor", "imsx_severity"], "properties": {
                    "imsx_codeMajor": {"type": "string", "enum": [
                        "failure", "processing", "success", "unsupported"]},
                    "imsx_severity": {"type": "string", "enum": ["error", "status", "warning"]},
                    "imsx_description": {"type": "string"},
                    "imsx_codeMinor": {"type": "object"},
                }},
            },
        },
    }
