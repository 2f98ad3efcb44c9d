//! Unit tests for the model facts (pydantic models, dataclasses) and the
//! logging-call recognition, answered at `probe(...)` calls.

use super::{ExtraFields, ModelFacts, ModelKind};
use crate::checker::probe_source;

fn models(source: &str) -> Vec<Option<ModelFacts>> {
    probe_source(source, None)
        .into_iter()
        .map(|probe| probe.model)
        .collect()
}

fn model(source: &str) -> Option<ModelFacts> {
    let found = models(source);
    assert_eq!(found.len(), 1, "expected one probe in {source}");
    found[0]
}

fn pydantic(
    settings: bool,
    frozen: Option<bool>,
    extra: Option<ExtraFields>,
) -> Option<ModelFacts> {
    Some(ModelFacts {
        kind: ModelKind::Pydantic { settings },
        frozen,
        extra,
    })
}

#[test]
fn pydantic_roots_resolve_through_imports_and_aliases() {
    let source = "\
import pydantic
import pydantic_settings as ps
from pydantic import BaseModel as BM
from pydantic.v1 import BaseSettings as V1Settings
class A(pydantic.BaseModel): ...
class B(BM): ...
class C(ps.BaseSettings): ...
class D(V1Settings): ...
class E(pydantic.BaseSettings): ...
probe(A)
probe(B)
probe(C)
probe(D)
probe(E)
";
    let ignore = Some(ExtraFields::Ignore);
    let forbid = Some(ExtraFields::Forbid);
    assert_eq!(
        models(source),
        vec![
            pydantic(false, Some(false), ignore),
            pydantic(false, Some(false), ignore),
            pydantic(true, Some(false), forbid),
            pydantic(true, Some(false), forbid),
            pydantic(true, Some(false), forbid),
        ]
    );
}

#[test]
fn same_module_bases_are_followed_transitively() {
    let source = "\
from pydantic import BaseModel, ConfigDict
from pydantic_settings import BaseSettings
class Base(BaseModel):
    model_config = ConfigDict(frozen=True, extra='forbid')
class Middle(Base): ...
class Leaf(Middle):
    model_config = ConfigDict(extra='allow')
class AppSettings(BaseSettings): ...
class MoreSettings(AppSettings): ...
probe(Leaf)
probe(Middle)
probe(MoreSettings)
";
    assert_eq!(
        models(source),
        vec![
            pydantic(false, Some(true), Some(ExtraFields::Allow)),
            pydantic(false, Some(true), Some(ExtraFields::Forbid)),
            pydantic(true, Some(false), Some(ExtraFields::Forbid)),
        ]
    );
}

#[test]
fn shadowed_and_foreign_bases_are_not_pydantic() {
    let shadowed = "class BaseModel: ...\nclass A(BaseModel): ...\nprobe(A)\n";
    assert_eq!(model(shadowed), None);
    let foreign = "from .models import BaseModel\nclass A(BaseModel): ...\nprobe(A)\n";
    assert_eq!(model(foreign), None);
    let other_library = "from openai._models import BaseModel\nclass A(BaseModel): ...\nprobe(A)\n";
    assert_eq!(model(other_library), None);
}

#[test]
fn configuration_is_read_from_every_place_pydantic_reads_it() {
    let source = "\
from pydantic import BaseModel, ConfigDict, Extra
class Keywords(BaseModel, frozen=True, extra='forbid'): ...
class Literal(BaseModel):
    model_config = {'frozen': True, 'extra': 'allow'}
class Annotated(BaseModel):
    model_config: ConfigDict = ConfigDict(frozen=False)
class V1(BaseModel):
    class Config:
        allow_mutation = False
        extra = Extra.forbid
probe(Keywords)
probe(Literal)
probe(Annotated)
probe(V1)
";
    assert_eq!(
        models(source),
        vec![
            pydantic(false, Some(true), Some(ExtraFields::Forbid)),
            pydantic(false, Some(true), Some(ExtraFields::Allow)),
            pydantic(false, Some(false), Some(ExtraFields::Ignore)),
            pydantic(false, Some(true), Some(ExtraFields::Forbid)),
        ]
    );
}

#[test]
fn unreadable_configuration_is_unknown() {
    let source = "\
from pydantic import BaseModel, ConfigDict
from elsewhere import shared, Mixin
class Computed(BaseModel):
    model_config = shared
class Splat(BaseModel):
    model_config = ConfigDict(frozen=True, **shared)
class WithMixin(Mixin, BaseModel):
    model_config = ConfigDict(extra='forbid')
class Flag(BaseModel, frozen=shared): ...
probe(Computed)
probe(Splat)
probe(WithMixin)
probe(Flag)
";
    assert_eq!(
        models(source),
        vec![
            pydantic(false, None, None),
            pydantic(false, Some(true), None),
            pydantic(false, None, Some(ExtraFields::Forbid)),
            pydantic(false, None, Some(ExtraFields::Ignore)),
        ]
    );
}

#[test]
fn dataclasses_are_models() {
    let source = "\
import dataclasses
from dataclasses import dataclass
from pydantic.dataclasses import dataclass as pydantic_dataclass
@dataclass
class A: ...
@dataclasses.dataclass(frozen=True)
class B: ...
@pydantic_dataclass(frozen=flag)
class C: ...
class D: ...
probe(A)
probe(B)
probe(C)
probe(D)
";
    let dataclass = |frozen| {
        Some(ModelFacts {
            kind: ModelKind::Dataclass,
            frozen,
            extra: Some(ExtraFields::Forbid),
        })
    };
    assert_eq!(
        models(source),
        vec![
            dataclass(Some(false)),
            dataclass(Some(true)),
            dataclass(None),
            None
        ]
    );
}

#[test]
fn logging_calls_are_recognised() {
    let source = "\
import logging
import math
import structlog
import sys
from logging import warning
from loguru import logger as loguru
_log = logging.getLogger(__name__)
events = structlog.get_logger()
bound = events.bind(request_id='r')
probe(print('x'))
probe(logging.info('x'))
probe(warning('x'))
probe(_log.debug('x'))
probe(events.info('x'))
probe(bound.msg('x'))
probe(loguru.success('x'))
probe(logging.getLogger(__name__).error('x'))
probe(LOGGER.exception('x'))
probe(math.log(2))
probe(parser.error('x'))
probe(warnings.warn('x'))
probe(_log.setLevel(10))
probe(print('x', file=buffer))
probe(print('x', file=sys.stderr))
class Service:
    def run(self):
        probe(self.logger.info('x'))
        probe(self.log('x'))
def shadowed(print):
    probe(print('x'))
";
    let found: Vec<bool> = probe_source(source, None)
        .into_iter()
        .map(|probe| probe.logging_call)
        .collect();
    assert_eq!(
        found,
        vec![
            true, true, true, true, true, true, true, true, true, false, false, false, false,
            false, true, true, false, false,
        ]
    );
}
