// The platform composed by .NET Aspire for local development: RabbitMQ, PostgreSQL and Qdrant in
// containers, each service a process with its usual port, started once its dependencies are healthy
// and reported healthy by its /health/ready. Aspire gives every service OTEL_EXPORTER_OTLP_ENDPOINT,
// which Platform.ServiceDefaults turns into OTLP export, so traces, metrics and logs appear on the
// dashboard. Requires Docker and the public NuGet feed (see README.md, "Aspire").
// Parameters (user secrets or Parameters__<name> environment variables): admin-key and
// rabbitmq-password are generated when unset.
var builder = DistributedApplication.CreateBuilder(args);

var adminKey = builder.AddParameter("admin-key", secret: true);
var rabbitUser = builder.AddParameter("rabbitmq-user", "platform");
var rabbitPassword = builder.AddParameter("rabbitmq-password", secret: true);

var rabbitmq = builder.AddRabbitMQ("rabbitmq", rabbitUser, rabbitPassword)
    .WithManagementPlugin()
    .WithDataVolume();
var postgres = builder.AddPostgres("postgres")
    .WithDataVolume();
var qdrant = builder.AddQdrant("qdrant")
    .WithDataVolume();

var rabbitEndpoint = rabbitmq.GetEndpoint("tcp");

// One service: its project, its port, readiness, the bus, and its own database
// (ConnectionStrings__<service>, which Platform.Storage prefers over Storage__Postgres).
IResourceBuilder<ProjectResource> AddService(string name, string folder, int port)
{
    var database = postgres.AddDatabase($"{name}-db", $"platform_{name}");
    return builder.AddProject(name, $"../../services/{folder}/Platform.{folder}.csproj")
        .WithHttpEndpoint(port: port, name: "http")
        .WithHttpHealthCheck("/health/ready")
        .WithEnvironment("Bus__Transport", "RabbitMq")
        .WithEnvironment("Bus__RabbitMq__Host", ReferenceExpression.Create($"{rabbitEndpoint.Property(EndpointProperty.Host)}"))
        .WithEnvironment("Bus__RabbitMq__Port", ReferenceExpression.Create($"{rabbitEndpoint.Property(EndpointProperty.Port)}"))
        .WithEnvironment("Bus__RabbitMq__Username", rabbitUser)
        .WithEnvironment("Bus__RabbitMq__Password", rabbitPassword)
        .WithEnvironment("Storage__Provider", "Postgres")
        .WithEnvironment("Auth__AdminKey", adminKey)
        .WithReference(database, connectionName: name)
        .WaitFor(rabbitmq)
        .WaitFor(database);
}

var billing = AddService("billing", "Billing", 5105);
var safetyGuard = AddService("safetyguard", "SafetyGuard", 5106);
var inference = AddService("inference", "Inference", 5103);

AddService("retrieval", "Retrieval", 5102)
    .WithEnvironment("Retrieval__Backend", "qdrant")
    .WithEnvironment("Retrieval__Qdrant__Url", qdrant.GetEndpoint("http"))
    .WithEnvironment("Retrieval__Qdrant__ApiKey", ReferenceExpression.Create($"{qdrant.Resource.ApiKeyParameter}"))
    .WaitFor(qdrant)
    .WaitFor(billing);

AddService("ingest", "Ingest", 5101)
    .WaitFor(billing);

AddService("agents", "Agents", 5104)
    .WaitFor(billing);

// Renders with openscad inside bubblewrap on this machine (infra/local/deps.sh installs both on Debian).
AddService("cadgenerator", "CadGenerator", 5107)
    .WaitFor(billing)
    .WaitFor(safetyGuard);

// Every service resolves API keys through Billing over the bus; Inference meters usage there.
inference.WaitFor(billing);
safetyGuard.WaitFor(billing);

builder.Build().Run();
