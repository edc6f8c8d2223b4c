using MassTransit;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Saga;

namespace Platform.Messaging.Sagas;

/// <summary>The saga repository as one message sees it: every operation goes through its <see cref="SagaTransaction{TSaga}"/>.</summary>
public sealed class DatabaseSagaRepositoryContext<TSaga, TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISagaVersion
    where TMessage : class
{
    private readonly SagaTransaction<TSaga> _transaction;
    private readonly ConsumeContext<TMessage> _consumeContext;
    private readonly ISagaConsumeContextFactory<SagaTransaction<TSaga>, TSaga> _factory;

    public DatabaseSagaRepositoryContext(
        SagaTransaction<TSaga> transaction, ConsumeContext<TMessage> consumeContext, ISagaConsumeContextFactory<SagaTransaction<TSaga>, TSaga> factory)
        : base(consumeContext, transaction)
    {
        _transaction = transaction;
        _consumeContext = consumeContext;
        _factory = factory;
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> context, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_transaction, context, instance, mode);

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        _factory.CreateSagaConsumeContext(_transaction, _consumeContext, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        // Null tells MassTransit the instance exists already, so it loads it instead.
        return await _transaction.InsertAsync(instance, CancellationToken)
            ? await _factory.CreateSagaConsumeContext(_transaction, _consumeContext, instance, SagaConsumeContextMode.Insert)
            : null!;
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await _transaction.LoadAsync(correlationId, CancellationToken);
        return instance is null
            ? null!
            : await _factory.CreateSagaConsumeContext(_transaction, _consumeContext, instance, SagaConsumeContextMode.Load);
    }

    public async Task Save(SagaConsumeContext<TSaga> context)
    {
        if (!await _transaction.InsertAsync(context.Saga, CancellationToken))
        {
            // Another message created the same instance first: retry so this one sees it.
            throw new ConcurrencyException($"{typeof(TSaga).Name} {context.Saga.CorrelationId} was created concurrently",
                typeof(TSaga), context.Saga.CorrelationId);
        }
    }

    public Task Update(SagaConsumeContext<TSaga> context) => _transaction.UpdateAsync(context.Saga, CancellationToken);

    public Task Delete(SagaConsumeContext<TSaga> context) => _transaction.DeleteAsync(context.Saga, CancellationToken);

    // Nothing was written for a discarded or undone instance; the uncommitted transaction rolls back the rest.
    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context) => Task.CompletedTask;
}

/// <summary>Load and query outside a message (e.g. an HTTP status endpoint reading a saga).</summary>
public sealed class DatabaseSagaQueryContext<TSaga>(SagaTransaction<TSaga> transaction, CancellationToken cancellationToken)
    : BasePipeContext(cancellationToken), LoadSagaRepositoryContext<TSaga>, QuerySagaRepositoryContext<TSaga>
    where TSaga : class, ISagaVersion
{
    public Task<TSaga> Load(Guid correlationId) => transaction.LoadAsync(correlationId, CancellationToken)!;

    public async Task<SagaRepositoryQueryContext<TSaga>> Query(ISagaQuery<TSaga> query, CancellationToken cancellationToken)
    {
        var filter = query.FilterExpression.Compile();
        var instances = await transaction.QueryAsync(filter, cancellationToken);
        return new LoadedSagaRepositoryQueryContext<TSaga>(this, instances);
    }
}
