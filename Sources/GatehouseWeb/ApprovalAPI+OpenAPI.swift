// The OpenAPI document of the approvals API, served at /api/v1/openapi.json.
// Keep it in step with ApprovalAPI.swift, ApprovalAPI+JSON.swift and docs/approvals-api.md.

extension ApprovalAPI {
    /// OpenAPI 3.1, JSON.
    public static let openAPIDocument = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Gatehouse approvals API",
    "version": "1.0.0",
    "description": "Just-in-time approval of statements that Gatehouse holds because they touch personal data. Every operation except this document needs an OIDC bearer token; callers see the pending requests of connections they approve for, and their own. See docs/approvals-api.md."
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "security": [
    {
      "bearer": []
    }
  ],
  "paths": {
    "/api/v1/openapi.json": {
      "get": {
        "operationId": "openAPIDocument",
        "summary": "This document",
        "security": [],
        "responses": {
          "200": {
            "description": "The OpenAPI 3.1 document.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/approvals": {
      "get": {
        "operationId": "listApprovals",
        "summary": "Pending requests visible to the caller",
        "description": "Pending requests, oldest first, of connections where the caller is in an approver group, plus the caller's own requests.",
        "responses": {
          "200": {
            "description": "The requests.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "array",
                  "items": {
                    "$ref": "#/components/schemas/ApprovalRequest"
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      }
    },
    "/api/v1/approvals/{id}": {
      "get": {
        "operationId": "getApproval",
        "summary": "One request (pending or recently decided)",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestID"
          }
        ],
        "responses": {
          "200": {
            "description": "The request.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ApprovalRequest"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/approvals/{id}/approve": {
      "post": {
        "operationId": "approveRequest",
        "summary": "Approve a pending request",
        "description": "Counts the caller's approval. When enough distinct approvers have approved, the request is approved with the most restrictive grant any of them chose; otherwise the outcome is `awaiting_more_approvals`.",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestID"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ApproveBody"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The decision was recorded.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DecisionOutcome"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/DecisionOnUnknownRequest"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/TooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "422": {
            "$ref": "#/components/responses/Unprocessable"
          }
        }
      }
    },
    "/api/v1/approvals/{id}/deny": {
      "post": {
        "operationId": "denyRequest",
        "summary": "Deny a pending request",
        "description": "Denies the request: the held statement fails at once.",
        "parameters": [
          {
            "$ref": "#/components/parameters/RequestID"
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/DenyBody"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The decision was recorded.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DecisionOutcome"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/DecisionOnUnknownRequest"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/TooLarge"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "422": {
            "$ref": "#/components/responses/InvalidDecision"
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An OIDC access token from a configured issuer."
      }
    },
    "schemas": {
      "Error": {
        "type": "object",
        "required": [
          "error"
        ],
        "properties": {
          "error": {
            "type": "object",
            "required": [
              "code",
              "message"
            ],
            "properties": {
              "code": {
                "type": "string",
                "enum": [
                  "unauthorized",
                  "unknown_request",
                  "self_approval",
                  "not_an_approver",
                  "not_pending",
                  "expired",
                  "already_approved",
                  "grant_too_long",
                  "grant_too_short",
                  "invalid_body",
                  "unsupported_media_type",
                  "body_too_large"
                ]
              },
              "message": {
                "type": "string",
                "description": "For humans; never contains the token."
              }
            }
          }
        }
      },
      "Principal": {
        "type": "object",
        "required": [
          "issuer",
          "subject",
          "username",
          "agentApplication",
          "groups"
        ],
        "properties": {
          "issuer": {
            "type": "string"
          },
          "subject": {
            "type": "string"
          },
          "username": {
            "type": [
              "string",
              "null"
            ]
          },
          "agentApplication": {
            "type": [
              "string",
              "null"
            ]
          },
          "groups": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        }
      },
      "GrantChoice": {
        "oneOf": [
          {
            "type": "object",
            "required": [
              "kind"
            ],
            "properties": {
              "kind": {
                "const": "one-time"
              }
            }
          },
          {
            "type": "object",
            "required": [
              "kind",
              "minutes"
            ],
            "properties": {
              "kind": {
                "const": "time-boxed"
              },
              "minutes": {
                "type": "integer",
                "minimum": 1,
                "description": "At most the connection's `maximum_grant_minutes`."
              }
            }
          }
        ]
      },
      "Decision": {
        "type": "object",
        "required": [
          "approver",
          "approved",
          "reason",
          "grant",
          "decidedAt"
        ],
        "properties": {
          "approver": {
            "$ref": "#/components/schemas/Principal"
          },
          "approved": {
            "type": "boolean"
          },
          "reason": {
            "type": [
              "string",
              "null"
            ]
          },
          "grant": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/GrantChoice"
              },
              {
                "type": "null"
              }
            ]
          },
          "decidedAt": {
            "type": "string",
            "format": "date-time",
            "description": "UTC, millisecond precision, e.g. `2026-11-26T07:30:00.123Z`."
          }
        }
      },
      "ApprovalRequest": {
        "type": "object",
        "required": [
          "id",
          "state",
          "connection",
          "requester",
          "purpose",
          "maskedStatement",
          "tables",
          "columns",
          "categories",
          "kinds",
          "analysable",
          "repositories",
          "operations",
          "reasons",
          "createdAt",
          "deadline",
          "decisions",
          "approvalURL"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "state": {
            "type": "string",
            "enum": [
              "pending",
              "approved",
              "denied",
              "expired",
              "cancelled"
            ]
          },
          "connection": {
            "type": "string"
          },
          "requester": {
            "$ref": "#/components/schemas/Principal"
          },
          "purpose": {
            "oneOf": [
              {
                "type": "null"
              },
              {
                "type": "object",
                "required": [
                  "text",
                  "source"
                ],
                "properties": {
                  "text": {
                    "type": "string"
                  },
                  "source": {
                    "type": "string"
                  }
                }
              }
            ]
          },
          "maskedStatement": {
            "type": "string",
            "description": "The statement with personal identifiers masked. The raw text is never served."
          },
          "tables": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Base relations touched, schema-qualified (views resolved)."
          },
          "columns": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Classified columns referenced."
          },
          "categories": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Personal-data categories touched."
          },
          "kinds": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Statement kinds (select, update, ...)."
          },
          "analysable": {
            "type": "boolean",
            "description": "False when the statement could not be fully analysed (time-boxed grants never cover such statements)."
          },
          "repositories": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "A held Git request's repository (empty for statements)."
          },
          "operations": {
            "type": "array",
            "items": {
              "type": "string",
              "enum": ["fetch", "push"]
            },
            "description": "A held Git request's operation (empty for statements)."
          },
          "reasons": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Why the statement was held."
          },
          "createdAt": {
            "type": "string",
            "format": "date-time",
            "description": "UTC, millisecond precision, e.g. `2026-11-26T07:30:00.123Z`."
          },
          "deadline": {
            "type": "string",
            "format": "date-time",
            "description": "UTC, millisecond precision, e.g. `2026-11-26T07:30:00.123Z`."
          },
          "decisions": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Decision"
            }
          },
          "approvalURL": {
            "type": "string"
          }
        }
      },
      "Grant": {
        "type": "object",
        "required": [
          "id",
          "requestID",
          "kind",
          "connection",
          "subject",
          "approvers",
          "grantedAt",
          "expiresAt"
        ],
        "properties": {
          "id": {
            "type": "string"
          },
          "requestID": {
            "type": "string"
          },
          "kind": {
            "type": "string",
            "enum": [
              "one-time",
              "time-boxed"
            ]
          },
          "connection": {
            "type": "string"
          },
          "subject": {
            "type": "string",
            "description": "The requester the grant applies to."
          },
          "tables": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Time-boxed grants only: the relations covered."
          },
          "kinds": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Time-boxed grants only: the statement kinds covered."
          },
          "repositories": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Git grants only: the repositories covered."
          },
          "operations": {
            "type": "array",
            "items": {
              "type": "string",
              "enum": ["fetch", "push"]
            },
            "description": "Time-boxed Git grants only: the operations covered."
          },
          "approvers": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Principal"
            }
          },
          "grantedAt": {
            "type": "string",
            "format": "date-time",
            "description": "UTC, millisecond precision, e.g. `2026-11-26T07:30:00.123Z`."
          },
          "expiresAt": {
            "type": "string",
            "format": "date-time",
            "description": "UTC, millisecond precision, e.g. `2026-11-26T07:30:00.123Z`."
          }
        }
      },
      "DecisionOutcome": {
        "type": "object",
        "required": [
          "outcome",
          "request"
        ],
        "properties": {
          "outcome": {
            "type": "string",
            "enum": [
              "approved",
              "awaiting_more_approvals",
              "denied"
            ]
          },
          "request": {
            "$ref": "#/components/schemas/ApprovalRequest"
          },
          "grant": {
            "$ref": "#/components/schemas/Grant",
            "description": "With `approved` only."
          },
          "remaining": {
            "type": "integer",
            "description": "With `awaiting_more_approvals` only: approvals still needed."
          }
        }
      },
      "ApproveBody": {
        "type": "object",
        "required": [
          "reason"
        ],
        "properties": {
          "reason": {
            "type": "string",
            "minLength": 1,
            "maxLength": 1000,
            "description": "Why: recorded as evidence."
          },
          "grant": {
            "$ref": "#/components/schemas/GrantChoice",
            "description": "Defaults to one-time."
          }
        }
      },
      "DenyBody": {
        "type": "object",
        "required": [
          "reason"
        ],
        "properties": {
          "reason": {
            "type": "string",
            "minLength": 1,
            "maxLength": 1000,
            "description": "Why: recorded as evidence."
          }
        }
      }
    },
    "responses": {
      "Unauthorized": {
        "description": "Missing or invalid bearer token. Carries `WWW-Authenticate: Bearer`.",
        "headers": {
          "WWW-Authenticate": {
            "schema": {
              "type": "string"
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "NotFound": {
        "description": "`unknown_request`: no such request, or not visible to the caller.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Forbidden": {
        "description": "`self_approval` (four-eyes: nobody decides their own request) or `not_an_approver`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "DecisionOnUnknownRequest": {
        "description": "`unknown_request`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Conflict": {
        "description": "`not_pending`, `expired` or `already_approved`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "TooLarge": {
        "description": "`body_too_large`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "UnsupportedMediaType": {
        "description": "`unsupported_media_type`: the body must be `application/json`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "Unprocessable": {
        "description": "`invalid_body`, `grant_too_long` or `grant_too_short`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      },
      "InvalidDecision": {
        "description": "`invalid_body`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/Error"
            }
          }
        }
      }
    },
    "parameters": {
      "RequestID": {
        "name": "id",
        "in": "path",
        "required": true,
        "schema": {
          "type": "string",
          "pattern": "^apr_[0-9a-f]{16}$"
        },
        "description": "The request ID (`apr_` and 16 hex digits)."
      }
    }
  }
}
"""#
}
