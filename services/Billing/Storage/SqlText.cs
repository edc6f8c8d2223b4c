using System.Data.Common;
using System.Text;

namespace Platform.Billing.Storage;

/// <summary>
/// One command's SQL with its parameters, built for a batch. The ledger's hot path uses plain
/// ADO.NET rather than Dapper: every batch has a different SQL text (its lists have different
/// lengths), and Dapper would compile and cache a new mapper for each distinct text.
/// </summary>
public sealed class SqlText
{
    private readonly List<(string Name, object? Value)> _parameters = [];

    public StringBuilder Sql { get; } = new();

    public bool IsEmpty => Sql.Length == 0;

    /// <summary>Adds a parameter and returns its placeholder.</summary>
    public string P(object? value)
    {
        var name = "p" + _parameters.Count;
        _parameters.Add((name, value));
        return "@" + name;
    }

    /// <summary>"(@p1, @p2, ...)"; "(NULL)" matches nothing when there are no values.</summary>
    public string In(IEnumerable<string> values)
    {
        var names = values.Select(v => P(v)).ToList();
        return names.Count == 0 ? "(NULL)" : "(" + string.Join(", ", names) + ")";
    }

    /// <summary>
    /// "(VALUES (@a, @b), ...)" of (account id, transfer id) keys, to JOIN on: both engines then look
    /// each key up in the primary key index (an IN list over two columns makes PostgreSQL scan the table).
    /// Never empty: a key no row can have stands in for none.
    /// </summary>
    public string Keys(IEnumerable<Ledger.TransferKey> keys)
    {
        var rows = keys.Select(k => "(" + P(k.AccountId.ToString("D")) + ", " + P(k.Id) + ")").ToList();
        return "(VALUES " + (rows.Count == 0 ? "('#', '#')" : string.Join(", ", rows)) + ")";
    }

    public SqlText Append(string text)
    {
        Sql.Append(text);
        return this;
    }

    public DbCommand ToCommand(DbConnection connection, DbTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Sql.ToString();
        foreach (var (name, value) in _parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
