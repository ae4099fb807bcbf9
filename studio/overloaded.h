// One lambda per alternative for std::visit over a Command or a script line.
#pragma once

namespace uhop::ui {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace uhop::ui
