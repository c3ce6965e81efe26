"""The network-loss slice: origin, path, directions."""

from __future__ import annotations

import numpy as np
import pytest

from core.lab import landscape
from core.train.trainer import Trainer
from tests.core.train.test_trainer import make_config


@pytest.fixture(scope="module")
def trained():
    t = Trainer(make_config(network={"hidden": [6, 6], "batch_norm": True}))
    t.run(120)
    return t


def _eval_loss(t: Trainer) -> float:
    net = t.network
    was = net.training
    net.eval()
    try:
        return net.loss(t.data.train.X, t.y_train)
    finally:
        net.training = was


@pytest.mark.parametrize("mode", ["random", "pca"])
def test_origin_is_the_current_loss_and_the_path_ends_there(trained, mode):
    before = trained.network.params.copy()
    sl = landscape.compute_slice(trained, mode=mode, resolution=9, span=0.5)
    mid = 4
    assert sl.alphas[mid] == 0.0 and sl.betas[mid] == 0.0
    assert sl.center_loss == pytest.approx(_eval_loss(trained), rel=1e-12)
    assert sl.losses[mid, mid] == pytest.approx(sl.center_loss, rel=1e-12)
    np.testing.assert_array_equal(sl.path[-1], [0.0, 0.0])
    assert sl.path.shape == (trained.trajectory().shape[0], 2)
    np.testing.assert_array_equal(trained.network.params, before)  # the run is untouched
    assert np.all(np.isfinite(sl.losses)) and sl.losses.shape == (9, 9)


def test_grid_point_equals_the_loss_at_the_moved_weights(trained):
    sl = landscape.compute_slice(trained, mode="random", resolution=5, span=1.0, seed=3)
    t2 = Trainer(trained.config)
    t2.network.params[:] = (trained.network.params + sl.alphas[1] * sl.directions[0]
                            + sl.betas[3] * sl.directions[1])
    t2.network.buffers[:] = trained.network.buffers
    assert sl.losses[3, 1] == pytest.approx(_eval_loss(t2), rel=1e-12)


def test_random_directions_are_filter_normalized(trained):
    net = trained.network
    d = landscape.filter_normalized_direction(net, np.random.default_rng(0))
    for blk in net.blocks:
        W = net.params[blk.weight_slice].reshape(blk.n_in, blk.n_out)
        D = d[blk.weight_slice].reshape(blk.n_in, blk.n_out)
        np.testing.assert_allclose(np.linalg.norm(D, axis=0), np.linalg.norm(W, axis=0))
    mask = np.ones(d.size, bool)
    for blk in net.blocks:
        mask[blk.weight_slice] = False
    assert np.all(d[mask] == 0.0)  # no component along BN or bias parameters


def test_pca_plane_contains_the_main_movement(trained):
    traj = trained.trajectory()
    dirs = landscape.pca_directions(traj, traj[-1])
    np.testing.assert_allclose(dirs @ dirs.T, np.eye(2), atol=1e-12)
    M = traj - traj[-1]
    explained = np.linalg.norm(M @ dirs.T) ** 2 / np.linalg.norm(M) ** 2
    assert explained > 0.5


def test_cancel_and_bad_arguments():
    t = Trainer(make_config())
    assert landscape.compute_slice(t, resolution=5, should_stop=lambda: True) is None
    with pytest.raises(ValueError, match="fewer than two distinct points"):
        landscape.compute_slice(t, mode="pca", resolution=5)
    with pytest.raises(ValueError, match="unknown landscape mode"):
        landscape.compute_slice(t, mode="hessian")
    with pytest.raises(ValueError, match="resolution"):
        landscape.compute_slice(t, resolution=1)


def test_trajectory_survives_save_and_load(tmp_path, trained):
    from core.train.session import load_session, save_session

    path = tmp_path / "s.opg"
    save_session(path, trained.config, trained)
    again = load_session(path).trainer()
    np.testing.assert_array_equal(again.trajectory(), trained.trajectory())
