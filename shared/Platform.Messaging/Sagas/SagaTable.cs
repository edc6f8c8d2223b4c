using Platform.Storage;

namespace Platform.Messaging.Sagas;

/// <summary>
/// The table a saga type lives in: one row per instance, its state as JSON, and the version that
/// optimistic concurrency checks. Services add <see cref="Migration"/> to their own migration list,
/// so the table is created with the rest of their schema.
/// </summary>
public static class SagaTable
{
    public static string NameOf<TSaga>() => "saga_" + ToSnakeCase(typeof(TSaga).Name);

    public static Migration Migration<TSaga>(int version) =>
        new(version, $"saga table for {typeof(TSaga).Name}",
            $"""
            CREATE TABLE {NameOf<TSaga>()} (
                correlation_id TEXT PRIMARY KEY,
                version        INTEGER NOT NULL,
                current_state  TEXT NULL,
                data           TEXT NOT NULL,
                updated_at     BIGINT NOT NULL
            );
            CREATE INDEX ix_{NameOf<TSaga>()}_state ON {NameOf<TSaga>()} (current_state);
            """);

    private static string ToSnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
