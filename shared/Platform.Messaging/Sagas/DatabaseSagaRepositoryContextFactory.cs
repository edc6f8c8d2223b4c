using System.Text.Json;
using MassTransit;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection;
using Platform.Storage;

namespace Platform.Messaging.Sagas;

/// <summary>
/// MassTransit's entry point into the saga table: each message gets its own transaction, committed
/// only after the saga handled the message, so a crash mid-message leaves the previous state intact.
/// </summary>
public sealed class DatabaseSagaRepositoryContextFactory<TSaga>(
    IServiceProvider services,
    DatabaseSagaRepositoryOptions<TSaga> options,
    ISagaConsumeContextFactory<SagaTransaction<TSaga>, TSaga> factory,
    TimeProvider clock)
    : ISagaRepositoryContextFactory<TSaga>, ILoadSagaRepositoryContextFactory<TSaga>, IQuerySagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISagaVersion
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    private Database Database => services.GetRequiredKeyedService<Database>(options.DatabaseName);

    public void Probe(ProbeContext context)
    {
        context.Add("persistence", "platform-database");
        context.Add("database", options.DatabaseName);
    }

    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        await using var transaction = await SagaTransaction<TSaga>.BeginAsync(Database, Json, clock, context.CancellationToken);
        using (transaction.EnterAmbient())
        {
            var repositoryContext = new DatabaseSagaRepositoryContext<TSaga, T>(transaction, context, factory);
            await next.Send(repositoryContext);
        }

        await transaction.CommitAsync(context.CancellationToken);
    }

    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        await using var transaction = await SagaTransaction<TSaga>.BeginAsync(Database, Json, clock, context.CancellationToken);
        var instances = await transaction.QueryAsync(query.FilterExpression.Compile(), context.CancellationToken);
        using (transaction.EnterAmbient())
        {
            var repositoryContext = new DatabaseSagaRepositoryContext<TSaga, T>(transaction, context, factory);
            await next.Send(new LoadedSagaRepositoryQueryContext<TSaga, T>(repositoryContext, instances));
        }

        await transaction.CommitAsync(context.CancellationToken);
    }

    public Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        ExecuteAsync(context => asyncMethod(context), cancellationToken);

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class =>
        ExecuteAsync(context => asyncMethod(context), cancellationToken);

    private async Task<T> ExecuteAsync<T>(Func<DatabaseSagaQueryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken)
    {
        await using var transaction = await SagaTransaction<TSaga>.BeginAsync(Database, Json, clock, cancellationToken);
        var result = await asyncMethod(new DatabaseSagaQueryContext<TSaga>(transaction, cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}

public sealed record DatabaseSagaRepositoryOptions<TSaga>(string DatabaseName);
