/// What the gateway knows of PostgreSQL's built-in functions without asking the database.
///
/// The catalog decides which functions a statement may call and still be fully described by its
/// text (`RoutineCatalog.check`): every function of `pg_catalog` and `information_schema` except
/// `readingElsewhere`, which read data the text does not name, run SQL given as a string, reach
/// server files or other sessions. `names` is the short list used until the catalog is read
/// (or when it cannot be): it errs on the side of leaving things out.
enum BuiltinFunctions {
    /// Whether a call of this (possibly schema-qualified, lower-case) name is on the short list.
    static func isKnown(_ nameParts: [String]) -> Bool {
        switch nameParts.count {
        case 1: return names.contains(nameParts[0])
        case 2: return nameParts[0] == "pg_catalog" && names.contains(nameParts[1])
        default: return false
        }
    }

    /// Built-ins that read what the statement's text does not name, each with why: they make a
    /// statement unanalysable wherever they appear.
    static func readingElsewhere(_ name: String) -> String? {
        if let reason = readingElsewhereByName[name] { return reason }
        if name.hasPrefix("lo_") || name == "loread" || name == "lowrite" { return "reads or writes large objects" }
        if name.hasPrefix("pg_ls_") || name.hasPrefix("pg_read_") || name.hasPrefix("pg_file_") {
            return "reads the database server's files"
        }
        if name.hasPrefix("pg_logical_") || name.hasPrefix("pg_replication_") || name.hasSuffix("_replication_slot") {
            return "reads or controls the write-ahead log, which holds every table's changes"
        }
        if name.hasPrefix("pg_stat_get_backend_") || name == "pg_stat_get_activity" {
            return "reads other sessions' statements and addresses"
        }
        for prefix in ["query_to_xml", "cursor_to_xml", "table_to_xml", "schema_to_xml", "database_to_xml"] where name.hasPrefix(prefix) {
            return "runs a query or reads whole tables named by a string"
        }
        return nil
    }

    private static let readingElsewhereByName: [String: String] = [
        "ts_stat": "runs a query given as a string",
        "pg_stat_file": "reads the database server's files",
        "pg_current_logfile": "reads the database server's files",
        "pg_mcv_list_items": "reads the most common values of extended statistics",
        "pg_stat_statements": "reads other sessions' statements",
        "pg_notification_queue_usage": "reads the notification queue",
        "pg_import_system_collations": "changes the server's catalog",
        "pg_promote": "controls the server", "pg_reload_conf": "controls the server",
        "pg_rotate_logfile": "controls the server", "pg_switch_wal": "controls the server",
        "pg_create_restore_point": "controls the server", "pg_backup_start": "controls the server",
        "pg_backup_stop": "controls the server",
    ]

    /// `information_schema` helpers, used qualified by JDBC and ODBC metadata queries.
    static let informationSchemaNames: Set<String> = [
        "_pg_expandarray", "_pg_keysequal", "_pg_truetypid", "_pg_truetypmod", "_pg_char_max_length",
        "_pg_char_octet_length", "_pg_numeric_precision", "_pg_numeric_precision_radix", "_pg_numeric_scale",
        "_pg_datetime_precision", "_pg_interval_type", "_pg_index_position",
    ]

    static let names: Set<String> = strings.union(numbers).union(dates).union(aggregates)
        .union(json).union(arrays).union(conversions).union(session).union(catalog)
        .union(sqlSyntax)

    private static let strings: Set<String> = [
        "upper", "lower", "initcap", "substr", "substring", "length", "char_length",
        "character_length", "octet_length", "bit_length", "concat", "concat_ws", "format", "trim",
        "btrim", "ltrim", "rtrim", "replace", "split_part", "left", "right", "lpad", "rpad",
        "position", "strpos", "starts_with", "reverse", "repeat", "translate", "overlay", "chr",
        "ascii", "md5", "sha224", "sha256", "sha384", "sha512", "encode", "decode",
        "regexp_replace", "regexp_match", "regexp_matches", "regexp_split_to_array",
        "regexp_split_to_table", "regexp_like", "regexp_count", "regexp_instr", "regexp_substr",
        "quote_ident", "quote_literal", "quote_nullable", "normalize", "is_normalized",
        "string_to_array", "string_to_table", "to_hex", "unistr",
        "to_tsvector", "to_tsquery", "plainto_tsquery", "phraseto_tsquery", "websearch_to_tsquery",
        "ts_rank", "ts_headline",
    ]

    private static let numbers: Set<String> = [
        "round", "abs", "ceil", "ceiling", "floor", "trunc", "mod", "power", "pow", "sqrt", "cbrt",
        "exp", "ln", "log", "log10", "sign", "pi", "div", "width_bucket", "random", "setseed",
        "greatest", "least", "nullif", "coalesce", "gcd", "lcm", "factorial", "degrees", "radians",
        "sin", "cos", "tan", "asin", "acos", "atan", "atan2",
    ]

    private static let dates: Set<String> = [
        "now", "current_timestamp", "current_date", "current_time", "localtime", "localtimestamp",
        "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timeofday",
        "date_trunc", "date_part", "date_bin", "extract", "age", "make_date", "make_time",
        "make_timestamp", "make_timestamptz", "make_interval", "justify_days", "justify_hours",
        "justify_interval", "isfinite", "timezone", "overlaps", "to_char", "to_date",
        "to_timestamp", "to_number",
    ]

    private static let aggregates: Set<String> = [
        "count", "sum", "avg", "min", "max", "array_agg", "string_agg", "json_agg", "jsonb_agg",
        "json_object_agg", "jsonb_object_agg", "bool_and", "bool_or", "every", "bit_and",
        "bit_or", "stddev", "stddev_pop", "stddev_samp", "variance", "var_pop", "var_samp",
        "percentile_cont", "percentile_disc", "mode", "corr", "covar_pop", "covar_samp",
        "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
        "first_value", "last_value", "nth_value", "grouping",
    ]

    private static let json: Set<String> = [
        "row_to_json", "to_json", "to_jsonb", "array_to_json", "json_build_object",
        "jsonb_build_object", "json_build_array", "jsonb_build_array", "json_object",
        "jsonb_object", "json_array_length", "jsonb_array_length", "json_each", "jsonb_each",
        "json_each_text", "jsonb_each_text", "json_extract_path", "jsonb_extract_path",
        "json_extract_path_text", "jsonb_extract_path_text", "json_object_keys",
        "jsonb_object_keys", "json_array_elements", "jsonb_array_elements",
        "json_array_elements_text", "jsonb_array_elements_text", "json_typeof", "jsonb_typeof",
        "json_strip_nulls", "jsonb_strip_nulls", "jsonb_set", "jsonb_insert", "jsonb_pretty",
        "jsonb_path_query", "jsonb_path_query_array", "jsonb_path_query_first",
        "jsonb_path_exists", "jsonb_path_match", "json_populate_record", "jsonb_populate_record",
        "json_to_record", "jsonb_to_record", "json_to_recordset", "jsonb_to_recordset",
    ]

    private static let arrays: Set<String> = [
        "array_length", "array_to_string", "array_append", "array_prepend", "array_cat",
        "array_remove", "array_replace", "array_position", "array_positions", "array_dims",
        "array_lower", "array_upper", "array_ndims", "array_fill", "cardinality", "unnest",
        "generate_series", "generate_subscripts",
    ]

    /// Functions named after types, which casts in function form call.
    private static let conversions: Set<String> = [
        "int2", "int4", "int8", "integer", "bigint", "smallint", "float4", "float8", "numeric",
        "text", "varchar", "bpchar", "bool", "date", "time", "timetz", "timestamp", "timestamptz",
        "interval", "json", "jsonb", "uuid", "inet", "cidr", "bytea", "money", "regclass",
        "gen_random_uuid",
    ]

    private static let session: Set<String> = [
        "version", "current_user", "current_role", "session_user", "user", "current_database",
        "current_catalog", "current_schema", "current_schemas", "pg_backend_pid", "set_config",
        "current_setting", "pg_sleep", "pg_sleep_for", "pg_sleep_until", "inet_client_addr",
        "inet_client_port", "inet_server_addr", "inet_server_port", "pg_postmaster_start_time",
        "pg_is_in_recovery", "txid_current", "pg_current_xact_id", "pg_advisory_lock",
        "pg_advisory_unlock", "pg_try_advisory_lock", "pg_advisory_xact_lock",
        "pg_try_advisory_xact_lock", "pg_advisory_unlock_all", "nextval", "currval", "lastval",
        "setval", "pg_my_temp_schema", "pg_is_other_temp_schema",
    ]

    /// Catalogue helpers that describe schema objects, not rows (psql's `\d` uses them).
    private static let catalog: Set<String> = [
        "format_type", "pg_get_userbyid", "pg_get_expr", "pg_get_indexdef", "pg_get_constraintdef",
        "pg_get_triggerdef", "pg_get_ruledef", "pg_get_viewdef", "pg_get_functiondef",
        "pg_get_function_arguments", "pg_get_function_result",
        "pg_get_function_identity_arguments", "pg_get_partkeydef",
        "pg_get_partition_constraintdef", "pg_get_statisticsobjdef_columns",
        "pg_get_serial_sequence", "pg_get_keywords", "pg_table_is_visible", "pg_type_is_visible",
        "pg_function_is_visible", "pg_operator_is_visible", "pg_opclass_is_visible",
        "pg_opfamily_is_visible", "pg_collation_is_visible", "pg_conversion_is_visible",
        "pg_statistics_obj_is_visible", "pg_ts_config_is_visible", "obj_description",
        "col_description", "shobj_description", "pg_encoding_to_char", "pg_char_to_encoding",
        "pg_tablespace_location", "pg_size_pretty", "pg_relation_size", "pg_table_size",
        "pg_total_relation_size", "pg_indexes_size", "pg_database_size", "pg_column_size",
        "pg_typeof", "pg_collation_for", "pg_has_role", "has_table_privilege",
        "has_column_privilege", "has_schema_privilege", "has_database_privilege",
        "has_function_privilege", "has_sequence_privilege", "pg_relation_is_publishable",
    ]

    /// Names the parser itself produces for SQL-syntax forms such as `x AT TIME ZONE y`.
    private static let sqlSyntax: Set<String> = ["pg_collation_for", "timezone", "xmlexists"]
}
