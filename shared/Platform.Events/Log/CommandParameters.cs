using System.Data;
using System.Data.Common;

namespace Platform.Events.Log;

/// <summary>
/// Parameters for the hot statements (the event log's batch insert, a worker's round record), added with
/// their type set and never read back. Dapper's <c>DynamicParameters</c> reads <c>DbType</c> back after
/// setting the value, which makes Npgsql infer the type from scratch for every parameter: in the events
/// benchmark's CPU profile that inference was a few percent of the whole process.
/// </summary>
internal static class CommandParameters
{
    public static void AddParameter(this DbCommand command, string name, object? value, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
