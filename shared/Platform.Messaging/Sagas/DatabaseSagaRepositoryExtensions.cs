using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Messaging.Sagas;

public static class DatabaseSagaRepositoryExtensions
{
    /// <summary>
    /// Keeps the saga's instances in the service's own database (PostgreSQL in distributed mode,
    /// SQLite standalone), in the table <see cref="SagaTable.NameOf{TSaga}"/>; add
    /// <see cref="SagaTable.Migration{TSaga}"/> to the service's migrations. Pair the saga endpoint
    /// with the platform bus's message retry, which turns a <see cref="ConcurrencyException"/> into a retry.
    /// </summary>
    public static ISagaRegistrationConfigurator<TSaga> DatabaseRepository<TSaga>(
        this ISagaRegistrationConfigurator<TSaga> configurator, string databaseName)
        where TSaga : class, ISagaVersion
    {
        configurator.Repository(repository =>
        {
            repository.AddSingleton(new DatabaseSagaRepositoryOptions<TSaga>(databaseName));
            repository.RegisterLoadSagaRepository<TSaga, DatabaseSagaRepositoryContextFactory<TSaga>>();
            repository.RegisterQuerySagaRepository<TSaga, DatabaseSagaRepositoryContextFactory<TSaga>>();
            repository.RegisterSagaRepository<TSaga, SagaTransaction<TSaga>,
                SagaConsumeContextFactory<SagaTransaction<TSaga>, TSaga>, DatabaseSagaRepositoryContextFactory<TSaga>>();
        });
        return configurator;
    }
}
