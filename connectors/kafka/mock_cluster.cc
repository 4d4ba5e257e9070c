#include "connectors/kafka/mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <map>
#include <mutex>

#include "connectors/kafka/kafka_types.h"
#include "connectors/kafka/rdkafka_handle.h"
#include "connectors/kafka/tcp_forwarder.h"

namespace vbp::kafka {

struct MockCluster::Rep {
  int brokers = 1;
  internal::HandlePtr rk;  // owns nothing but the mock's bookkeeping
  rd_kafka_mock_cluster_t* mcluster = nullptr;
  std::unique_ptr<TcpForwarder> forwarder;
  std::string bootstrap;
  std::mutex mu;
  std::map<std::string, int, std::less<>> topics;  // created here: name -> partitions
};

MockCluster::MockCluster(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

MockCluster::~MockCluster() { Stop(); }

Result<std::unique_ptr<MockCluster>> MockCluster::Start(const MockClusterOptions& options) {
  if (options.brokers < 1) return Status::Invalid("mock cluster: brokers must be >= 1");
  if (options.bootstrap_port < 0 || options.bootstrap_port > 65535) {
    return Status::Invalid("mock cluster: port must be in 0..65535");
  }
  auto rep = std::make_unique<Rep>();
  rep->brokers = options.brokers;
  internal::ConfPtr conf(rd_kafka_conf_new());
  // The handle only anchors the mock cluster; it never connects anywhere.
  // log_level 4: keep the mock's warnings and errors, not the notice that this handle has no
  // bootstrap.servers.
  VBP_RETURN_IF_ERROR(
      internal::ApplyConfig(conf.get(), {{"client.id", "vbp-mock-cluster"}, {"log_level", "4"}}));
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof(errstr));
  if (rk == nullptr) return Status::Internal(std::string("mock cluster: ") + errstr);
  conf.release();
  rep->rk.reset(rk);
  rep->mcluster = rd_kafka_mock_cluster_new(rk, options.brokers);
  if (rep->mcluster == nullptr) {
    return Status::Unavailable("mock cluster: could not start " + std::to_string(options.brokers) +
                               " broker(s)");
  }
  rep->bootstrap = rd_kafka_mock_cluster_bootstraps(rep->mcluster);
  if (options.bootstrap_port != 0) {
    // Broker 1 is the first entry of the bootstrap list "127.0.0.1:P1,127.0.0.1:P2,...".
    const std::string first = rep->bootstrap.substr(0, rep->bootstrap.find(','));
    const int broker_port = std::stoi(first.substr(first.rfind(':') + 1));
    Result<std::unique_ptr<TcpForwarder>> fwd =
        TcpForwarder::Start(options.bootstrap_port, broker_port);
    if (!fwd.ok()) {
      rd_kafka_mock_cluster_destroy(rep->mcluster);
      return Status(fwd.status().code(),
                    "mock cluster: bootstrap listener: " + fwd.status().message());
    }
    rep->forwarder = std::move(fwd).value();
    rep->bootstrap = "127.0.0.1:" + std::to_string(rep->forwarder->port());
  }
  return std::unique_ptr<MockCluster>(new MockCluster(std::move(rep)));
}

const std::string& MockCluster::bootstrap_servers() const { return rep_->bootstrap; }

int MockCluster::brokers() const { return rep_->brokers; }

Status MockCluster::CreateTopic(std::string_view topic, int partitions) {
  Rep& r = *rep_;
  if (partitions < 1) return Status::Invalid("mock cluster: partitions must be >= 1");
  if (topic.empty()) return Status::Invalid("mock cluster: empty topic name");
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.mcluster == nullptr) return Status::Unavailable("mock cluster: stopped");
  auto it = r.topics.find(topic);
  if (it != r.topics.end()) {
    if (it->second == partitions) return Status::Ok();
    return {StatusCode::kAlreadyExists, "mock cluster: topic " + std::string(topic) +
                                            " exists with " + std::to_string(it->second) +
                                            " partitions, not " + std::to_string(partitions)};
  }
  const int replication = r.brokers < 3 ? r.brokers : 3;
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(r.mcluster, std::string(topic).c_str(), partitions, replication);
  if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    return {StatusCode::kAlreadyExists,
            "mock cluster: topic " + std::string(topic) + " already exists (auto-created?)"};
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return internal::ErrorStatus("mock cluster: create topic " + std::string(topic), err);
  }
  r.topics.emplace(std::string(topic), partitions);
  return Status::Ok();
}

Status MockCluster::CreateSpecTopics(std::string_view prefix, int partitions) {
  for (const std::string& t : SpecTopicNames(prefix)) {
    VBP_RETURN_IF_ERROR(CreateTopic(t, partitions));
  }
  return Status::Ok();
}

Status MockCluster::SetBrokerDown(int broker_id) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  if (rep_->mcluster == nullptr) return Status::Unavailable("mock cluster: stopped");
  const rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_down(rep_->mcluster, broker_id);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Invalid("mock cluster: no broker " + std::to_string(broker_id));
  }
  return Status::Ok();
}

Status MockCluster::SetBrokerUp(int broker_id) {
  std::lock_guard<std::mutex> lock(rep_->mu);
  if (rep_->mcluster == nullptr) return Status::Unavailable("mock cluster: stopped");
  const rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_up(rep_->mcluster, broker_id);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Invalid("mock cluster: no broker " + std::to_string(broker_id));
  }
  return Status::Ok();
}

void MockCluster::Stop() {
  if (!rep_) return;
  Rep& r = *rep_;
  if (r.forwarder) r.forwarder->Stop();
  std::lock_guard<std::mutex> lock(r.mu);
  if (r.mcluster != nullptr) {
    rd_kafka_mock_cluster_destroy(r.mcluster);
    r.mcluster = nullptr;
  }
  r.rk.reset();
}

}  // namespace vbp::kafka
